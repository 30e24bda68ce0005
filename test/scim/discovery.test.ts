import { resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from "../../src/scim/discovery";

const BASE = "https://scim.example/scim/v2/t1";

type Attribute = { name: string; subAttributes?: Attribute[] };

/** Flattens /Schemas the way Microsoft's Schema_Discoverability_Test does: name, name.sub, urn:name. */
function flatten(schemas: Record<string, unknown>[]): Set<string> {
  const names = new Set<string>();
  for (const schema of schemas) {
    const prefix = String(schema.id).includes(":extension:") ? `${String(schema.id)}:` : "";
    for (const attribute of schema.attributes as Attribute[]) {
      names.add(`${prefix}${attribute.name}`.toLowerCase());
      for (const sub of attribute.subAttributes ?? [])
        names.add(`${prefix}${attribute.name}.${sub.name}`.toLowerCase());
    }
  }
  return names;
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNull);
  if (typeof value === "object") return Object.values(value).some(hasNull);
  return false;
}

describe("discovery documents", () => {
  it("gives every reference attribute its referenceTypes (photos.value is external, RFC 7643 §8.7.1)", () => {
    type Described = { name: string; type: string; referenceTypes?: string[]; subAttributes?: Described[] };
    const untyped: string[] = [];
    const photos = schemaDocuments(BASE)
      .flatMap((schema) => schema.attributes as Described[])
      .flatMap((attribute) => {
        for (const sub of [attribute, ...(attribute.subAttributes ?? [])])
          if (sub.type === "reference" && !(sub.referenceTypes ?? []).length) untyped.push(sub.name);
        return attribute.name === "photos" ? (attribute.subAttributes ?? []) : [];
      });
    expect(untyped).toEqual([]);
    expect(photos.find((sub) => sub.name === "value")?.referenceTypes).toEqual(["external"]);
  });

  it("list every attribute of the Teamgo mapping (seed tutorial step 5)", () => {
    const names = flatten(schemaDocuments(BASE));
    for (const attribute of [
      "userName",
      "active",
      "displayName",
      "title",
      "emails.value",
      "emails.type",
      "name.givenName",
      "name.familyName",
      "addresses.streetAddress",
      "addresses.locality",
      "addresses.region",
      "phoneNumbers.value",
      "externalId",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    ]) {
      expect(names).toContain(attribute.toLowerCase());
    }
  });

  it("carry no nulls and camelCase characteristic values", () => {
    const documents = [
      serviceProviderConfig(BASE, { maxResults: 1000, defaultPageSize: 100, maxPayloadSize: 1 }),
      ...resourceTypeDocuments(BASE),
      ...schemaDocuments(BASE),
    ];
    expect(documents.some(hasNull)).toBe(false);
    const userName = (schemaDocuments(BASE)[0]?.attributes as Record<string, unknown>[]).find(
      (a) => a.name === "userName",
    );
    expect(userName).toMatchObject({
      mutability: "readWrite",
      returned: "default",
      uniqueness: "server",
      required: true,
      caseExact: false,
    });
  });

  it("describe User with the enterprise extension, and Group", () => {
    expect(
      resourceTypeDocuments(BASE).map((type) => [type.id, type.endpoint, type.schemaExtensions]),
    ).toEqual([
      [
        "User",
        "/Users",
        [{ schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false }],
      ],
      ["Group", "/Groups", []],
    ]);
  });
});
