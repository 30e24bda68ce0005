import type {
  AttributeDefinition,
  AttributeResolver,
  AttributeType,
  ResolvedAttribute,
} from "../../../src/scim/schema/types";

/**
 * A hand-written slice of the User and enterprise-extension schemas (RFC 7643 §4.1, §4.3), so the
 * filter can be tested without the real schema registry.
 */
export const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const attribute = (
  name: string,
  type: AttributeType,
  overrides: Partial<AttributeDefinition> = {},
): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  description: "",
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...overrides,
});

const string = (name: string, overrides: Partial<AttributeDefinition> = {}) =>
  attribute(name, "string", overrides);

const complex = (
  name: string,
  subAttributes: AttributeDefinition[],
  overrides: Partial<AttributeDefinition> = {},
) => attribute(name, "complex", { subAttributes, ...overrides });

const typedValues = (name: string) =>
  complex(name, [string("value"), string("type"), attribute("primary", "boolean")], { multiValued: true });

const SCHEMAS: readonly { id: string; attributes: readonly AttributeDefinition[] }[] = [
  {
    id: CORE_USER,
    attributes: [
      string("id", { caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server" }),
      string("externalId", { caseExact: true }),
      string("userName", { required: true, uniqueness: "server" }),
      string("displayName"),
      string("title"),
      attribute("active", "boolean"),
      complex("name", [string("formatted"), string("familyName"), string("givenName")]),
      typedValues("emails"),
      typedValues("phoneNumbers"),
      complex(
        "addresses",
        ["type", "streetAddress", "locality", "region", "postalCode", "country"].map((name) => string(name)),
        { multiValued: true },
      ),
      complex(
        "meta",
        [attribute("created", "dateTime"), attribute("lastModified", "dateTime")].map((sub) => ({
          ...sub,
          mutability: "readOnly" as const,
        })),
        { mutability: "readOnly" },
      ),
      complex("groups", [string("value"), attribute("$ref", "reference"), string("display")], {
        multiValued: true,
        mutability: "readOnly",
      }),
    ],
  },
  {
    id: ENTERPRISE_USER,
    attributes: [
      string("employeeNumber"),
      string("department"),
      complex("manager", [
        string("value"),
        attribute("$ref", "reference"),
        string("displayName", { mutability: "readOnly" }),
      ]),
    ],
  },
];

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const findAttribute = (attributes: readonly AttributeDefinition[], name: string) =>
  attributes.find((candidate) => sameName(candidate.name, name));

/** Case-insensitive; an unqualified name is looked up in the core schema first, then the extension. */
export const fixtureResolver: AttributeResolver = {
  resolve({ schema: urn, attribute: name, subAttribute: subName }): ResolvedAttribute | undefined {
    const schemas = urn === undefined ? SCHEMAS : SCHEMAS.filter((schema) => sameName(schema.id, urn));
    for (const schema of schemas) {
      const attribute = findAttribute(schema.attributes, name);
      if (attribute === undefined) continue;
      const resolved = { schema: schema.id, core: schema.id === CORE_USER, attribute };
      if (subName === undefined) return resolved;
      const subAttribute = findAttribute(attribute.subAttributes ?? [], subName);
      return subAttribute && { ...resolved, subAttribute };
    }
    return undefined;
  },
};
