import { attribute, complex, multiValued } from "./define";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "./urns";
import type { SchemaDefinition } from "./types";

const nameAttribute = complex("name", "The components of the user's real name.", [
  attribute("formatted", "string", "The full name, formatted for display."),
  attribute("familyName", "string", "The family name of the User."),
  attribute("givenName", "string", "The given name of the User."),
  attribute("middleName", "string", "The middle name(s) of the User."),
  attribute("honorificPrefix", "string", "The honorific prefix(es) of the User."),
  attribute("honorificSuffix", "string", "The honorific suffix(es) of the User."),
]);

const addressesAttribute = complex(
  "addresses",
  "A physical mailing address for this User.",
  [
    attribute("formatted", "string", "The full mailing address, formatted for display."),
    attribute("streetAddress", "string", "The full street address component."),
    attribute("locality", "string", "The city or locality component."),
    attribute("region", "string", "The state or region component."),
    attribute("postalCode", "string", "The zip code or postal code component."),
    attribute("country", "string", "The country name component."),
    attribute("type", "string", "A label indicating the address's function.", {
      canonicalValues: ["work", "home", "other"],
    }),
    attribute("primary", "boolean", "Indicates the primary mailing address."),
  ],
  { multiValued: true },
);

const groupsAttribute = complex(
  "groups",
  "A list of groups to which the user belongs.",
  [
    attribute("value", "string", "The identifier of the User's group.", { mutability: "readOnly" }),
    attribute("$ref", "reference", "The URI of the corresponding Group resource.", {
      mutability: "readOnly",
      referenceTypes: ["Group"],
    }),
    attribute("display", "string", "A human-readable name of the group.", { mutability: "readOnly" }),
    attribute("type", "string", "How the membership was derived.", {
      mutability: "readOnly",
      canonicalValues: ["direct", "indirect"],
    }),
  ],
  // Returned on request only: it is served from membership rows, which GET and matching skip.
  { multiValued: true, mutability: "readOnly", returned: "request" },
);

export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: "User",
  description: "User Account",
  attributes: [
    attribute("userName", "string", "Unique identifier for the User, used by Entra to match accounts.", {
      required: true,
      uniqueness: "server",
    }),
    nameAttribute,
    attribute("displayName", "string", "The name of the User, suitable for display."),
    attribute("nickName", "string", "The casual way to address the user."),
    attribute("profileUrl", "reference", "A URI of the User's online profile.", {
      referenceTypes: ["external"],
    }),
    attribute("title", "string", "The user's title, such as Vice President."),
    attribute("userType", "string", "The relationship between the organization and the user."),
    attribute("preferredLanguage", "string", "The User's preferred written or spoken language."),
    attribute("locale", "string", "The User's default location for localization."),
    attribute("timezone", "string", "The User's time zone in IANA format."),
    attribute("active", "boolean", "The User's administrative status."),
    attribute("password", "string", "The User's cleartext password; never stored or returned.", {
      mutability: "writeOnly",
      returned: "never",
    }),
    multiValued("emails", "Email addresses for the user.", ["work", "home", "other"]),
    multiValued("phoneNumbers", "Phone numbers for the User.", [
      "work",
      "home",
      "mobile",
      "fax",
      "pager",
      "other",
    ]),
    multiValued("ims", "Instant messaging addresses for the User.", ["aim", "gtalk", "icq", "xmpp", "skype"]),
    // RFC 7643 §8.7.1: a photo is a URL outside this service; clients' discovery needs the type.
    multiValued("photos", "URLs of photos of the User.", ["photo", "thumbnail"], [], "reference", [
      "external",
    ]),
    addressesAttribute,
    groupsAttribute,
    multiValued("entitlements", "A list of entitlements for the User.", []),
    multiValued("roles", "A list of roles for the User.", []),
    multiValued("x509Certificates", "A list of certificates issued to the User.", [], [], "binary"),
  ],
};

export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    attribute("employeeNumber", "string", "A string identifier, typically numeric or alphanumeric."),
    attribute("costCenter", "string", "Identifies the name of a cost center."),
    attribute("organization", "string", "Identifies the name of an organization."),
    attribute("division", "string", "Identifies the name of a division."),
    attribute("department", "string", "Identifies the name of a department."),
    complex("manager", "The User's manager, always returned as an object with its id in value.", [
      attribute("value", "string", "The id of the SCIM resource representing the User's manager."),
      attribute("$ref", "reference", "The URI of the SCIM resource representing the User's manager.", {
        referenceTypes: ["User"],
      }),
      attribute("displayName", "string", "The displayName of the User's manager.", {
        mutability: "readOnly",
      }),
    ]),
  ],
};
