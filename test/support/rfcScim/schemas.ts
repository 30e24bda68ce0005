/** RFC 7643 §4 and §8.7.1: the User, Enterprise User and Group schemas, as the RFC defines them. */

export const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

export interface Attribute {
  readonly name: string;
  readonly type: "string" | "boolean" | "complex" | "reference" | "dateTime" | "integer" | "binary";
  readonly multiValued?: boolean;
  readonly caseExact?: boolean;
  readonly mutability?: "readOnly" | "readWrite" | "writeOnly" | "immutable";
  readonly subAttributes?: readonly Attribute[];
  readonly canonicalValues?: readonly string[];
}

const s = (name: string, extra: Partial<Attribute> = {}): Attribute => ({ name, type: "string", ...extra });
const multi = (name: string, types: readonly string[], subs: readonly Attribute[] = []): Attribute => ({
  name,
  type: "complex",
  multiValued: true,
  subAttributes: [
    s("value"),
    s("display"),
    s("type", { canonicalValues: types }),
    { name: "primary", type: "boolean" },
    ...subs,
  ],
});

const USER_ATTRIBUTES: readonly Attribute[] = [
  s("userName"),
  {
    name: "name",
    type: "complex",
    subAttributes: [
      "formatted",
      "familyName",
      "givenName",
      "middleName",
      "honorificPrefix",
      "honorificSuffix",
    ].map((n) => s(n)),
  },
  s("displayName"),
  s("nickName"),
  { name: "profileUrl", type: "reference" },
  s("title"),
  s("userType"),
  s("preferredLanguage"),
  s("locale"),
  s("timezone"),
  { name: "active", type: "boolean" },
  s("password", { mutability: "writeOnly" }),
  multi("emails", ["work", "home", "other"]),
  multi("phoneNumbers", ["work", "home", "mobile", "fax", "pager", "other"]),
  multi("ims", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
  multi("photos", ["photo", "thumbnail"]),
  {
    name: "addresses",
    type: "complex",
    multiValued: true,
    subAttributes: [
      ...["formatted", "streetAddress", "locality", "region", "postalCode", "country"].map((n) => s(n)),
      s("type", { canonicalValues: ["work", "home", "other"] }),
      { name: "primary", type: "boolean" },
    ],
  },
  { ...multi("groups", ["direct", "indirect"]), mutability: "readOnly" },
  multi("entitlements", []),
  multi("roles", []),
  multi("x509Certificates", []),
];

const ENTERPRISE_ATTRIBUTES: readonly Attribute[] = [
  s("employeeNumber"),
  s("costCenter"),
  s("organization"),
  s("division"),
  s("department"),
  {
    name: "manager",
    type: "complex",
    subAttributes: [
      s("value"),
      { name: "$ref", type: "reference" },
      s("displayName", { mutability: "readOnly" }),
    ],
  },
];

const GROUP_ATTRIBUTES: readonly Attribute[] = [
  s("displayName"),
  {
    name: "members",
    type: "complex",
    multiValued: true,
    subAttributes: [s("value", { mutability: "immutable" }), { name: "$ref", type: "reference" }, s("type")],
  },
];

function schemaDocument(id: string, name: string, attributes: readonly Attribute[]) {
  const render = (attribute: Attribute): Record<string, unknown> => ({
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued ?? false,
    required: attribute.name === "userName" || (id === GROUP && attribute.name === "displayName"),
    caseExact: attribute.caseExact ?? false,
    mutability: attribute.mutability ?? "readWrite",
    returned: attribute.name === "password" ? "never" : "default",
    uniqueness: attribute.name === "userName" ? "server" : "none",
    ...(attribute.canonicalValues === undefined ? {} : { canonicalValues: attribute.canonicalValues }),
    ...(attribute.subAttributes === undefined ? {} : { subAttributes: attribute.subAttributes.map(render) }),
  });
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id,
    name,
    attributes: attributes.map(render),
    meta: { resourceType: "Schema", location: `/Schemas/${id}` },
  };
}

export const SCHEMA_DOCUMENTS = [
  schemaDocument(USER, "User", USER_ATTRIBUTES),
  schemaDocument(ENTERPRISE, "EnterpriseUser", ENTERPRISE_ATTRIBUTES),
  schemaDocument(GROUP, "Group", GROUP_ATTRIBUTES),
];

/** RFC 7643 §3.1: common to every resource, outside the schemas. */
const COMMON: readonly Attribute[] = [
  { name: "externalId", type: "string", caseExact: true },
  { name: "id", type: "string", caseExact: true, mutability: "readOnly" },
];

/** The definition of an attribute path (`name.givenName`, `urn:…:User:manager`), if the RFC has one. */
export function definitionOf(
  resource: "User" | "Group",
  urn: string | undefined,
  path: string,
): Attribute | undefined {
  const top =
    urn === undefined
      ? [...COMMON, ...(resource === "User" ? USER_ATTRIBUTES : GROUP_ATTRIBUTES)]
      : urn.toLowerCase() === ENTERPRISE.toLowerCase() && resource === "User"
        ? ENTERPRISE_ATTRIBUTES
        : [];
  const [head = "", sub] = path.split(".");
  const attribute = top.find((a) => a.name.toLowerCase() === head.toLowerCase());
  if (sub === undefined || attribute === undefined) return attribute;
  return attribute.subAttributes?.find((a) => a.name.toLowerCase() === sub.toLowerCase());
}
