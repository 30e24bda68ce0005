import { attribute, complex } from "./define";
import type { AttributeDefinition } from "./types";

/** RFC 7643 §3.1 attributes every resource has, outside any schema's attribute list. */
const idAttribute = attribute("id", "string", "Unique identifier assigned by the service provider.", {
  caseExact: true,
  mutability: "readOnly",
  returned: "always",
  uniqueness: "server",
});

export const externalIdAttribute = attribute(
  "externalId",
  "string",
  "Identifier of the resource as defined by the provisioning client.",
  { caseExact: true },
);

const metaAttribute = complex(
  "meta",
  "Resource metadata.",
  [
    attribute("resourceType", "string", "The name of the resource type.", {
      caseExact: true,
      mutability: "readOnly",
    }),
    attribute("created", "dateTime", "When the resource was added.", { mutability: "readOnly" }),
    attribute("lastModified", "dateTime", "When the resource was last updated.", { mutability: "readOnly" }),
    attribute("location", "reference", "The URI of the resource.", {
      caseExact: true,
      mutability: "readOnly",
    }),
    attribute("version", "string", "The version (ETag) of the resource.", {
      caseExact: true,
      mutability: "readOnly",
    }),
  ],
  { mutability: "readOnly" },
);

export const commonAttributes: readonly AttributeDefinition[] = [
  idAttribute,
  externalIdAttribute,
  metaAttribute,
];
