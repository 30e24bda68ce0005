import {
  flattenSchemas,
  hasSchema,
  schemaPath,
} from "../../../../packages/entra-replay/src/gallery/schemaAttributes";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const schemas = {
  Resources: [
    {
      id: "urn:ietf:params:scim:schemas:core:2.0:User",
      attributes: [
        { name: "userName", type: "string", multiValued: false, mutability: "readWrite" },
        {
          name: "emails",
          type: "complex",
          multiValued: true,
          subAttributes: [
            { name: "value", type: "string" },
            { name: "type", type: "string", canonicalValues: ["work", "home"] },
          ],
        },
        { name: "password", type: "string", mutability: "writeOnly" },
      ],
    },
    {
      id: ENTERPRISE,
      attributes: [
        { name: "department", type: "string" },
        {
          name: "manager",
          type: "complex",
          subAttributes: [
            { name: "value", type: "string" },
            { name: "$ref", type: "reference" },
          ],
        },
      ],
    },
    {
      id: "urn:ietf:params:scim:schemas:core:2.0:Group",
      attributes: [{ name: "displayName", type: "string" }],
    },
  ],
};

describe("/Schemas flattened as Microsoft's Schema_Discoverability_Test compares it", () => {
  it("names core attributes plainly, sub-attributes with a dot, extension attributes by URN", () => {
    expect(flattenSchemas(schemas, "User").map((attribute) => attribute.path)).toEqual([
      "userName",
      "emails",
      "emails.value",
      "emails.type",
      "password",
      `${ENTERPRISE}:department`,
      `${ENTERPRISE}:manager`,
      `${ENTERPRISE}:manager.value`,
      `${ENTERPRISE}:manager.$ref`,
    ]);
    expect(flattenSchemas(schemas, "Group").map((attribute) => attribute.path)).toEqual(["displayName"]);
  });

  it("marks what the update test must leave alone: multi-valued, references, write-only", () => {
    const byPath = new Map(flattenSchemas(schemas, "User").map((attribute) => [attribute.path, attribute]));
    expect(byPath.get("emails.value")?.multiValued).toBe(true);
    expect(byPath.get(`${ENTERPRISE}:manager.value`)?.reference).toBe(true);
    expect(byPath.get("password")?.mutability).toBe("writeOnly");
    expect(byPath.get("emails.type")?.canonicalValues).toEqual(["work", "home"]);
    expect(byPath.get("userName")?.reference).toBe(false);
  });

  it("reads a mapping target the way /Schemas names it, and finds schemas by id", () => {
    expect(schemaPath('emails[type eq "work"].value')).toBe("emails.value");
    expect(schemaPath(`${ENTERPRISE}:department`)).toBe(`${ENTERPRISE}:department`);
    expect(hasSchema(schemas, "urn:ietf:params:scim:schemas:core:2.0:Group")).toBe(true);
    expect(hasSchema({ Resources: [] }, "urn:ietf:params:scim:schemas:core:2.0:Group")).toBe(false);
    expect(flattenSchemas({ detail: "not a list" }, "User")).toEqual([]);
  });
});
