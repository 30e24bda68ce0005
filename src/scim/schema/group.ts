import { attribute, complex } from "./define";
import { GROUP_SCHEMA } from "./urns";
import type { SchemaDefinition } from "./types";

export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: "Group",
  description: "Group",
  attributes: [
    attribute("displayName", "string", "A human-readable name for the Group, unique per tenant.", {
      required: true,
      uniqueness: "server",
    }),
    complex(
      "members",
      "A list of members of the Group.",
      [
        attribute("value", "string", "Identifier of the member of this Group.", { mutability: "immutable" }),
        attribute("$ref", "reference", "The URI of the member resource.", {
          mutability: "immutable",
          referenceTypes: ["User", "Group"],
        }),
        attribute("display", "string", "A human-readable name of the member.", { mutability: "readOnly" }),
        attribute("type", "string", "The type of the member.", {
          mutability: "immutable",
          canonicalValues: ["User", "Group"],
        }),
      ],
      { multiValued: true },
    ),
  ],
};
