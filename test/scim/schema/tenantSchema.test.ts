import { resourceTypeDocuments, schemaDocuments } from "../../../src/scim/discovery";
import { matchesFilter, validateFilterPaths } from "../../../src/scim/filter/evaluate";
import { parseFilter } from "../../../src/scim/filter/parser";
import { applyPatch } from "../../../src/scim/patch/apply";
import { parsePatchRequest } from "../../../src/scim/patch/request";
import { canonicaliseResource } from "../../../src/scim/resource/canonicalise";
import type { ResourceDoc } from "../../../src/scim/resource/types";
import {
  DEFAULT_TENANT_SCHEMA,
  declareAttribute,
  removeDeclarations,
  tenantTypes,
  TenantSchemaError,
  type ExtensionAttributeDeclaration,
  type TenantSchema,
} from "../../../src/scim/schema/tenantSchema";

const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
const OTHER = "urn:ietf:params:scim:schemas:extension:Other:2.0:User";

function declaration(
  name: string,
  overrides: Partial<ExtensionAttributeDeclaration> = {},
): ExtensionAttributeDeclaration {
  return {
    schema: CONTOSO,
    resourceType: "User",
    name,
    type: "string",
    multiValued: false,
    caseExact: false,
    ...overrides,
  };
}

function schemaWith(mode: TenantSchema["undeclaredExtensions"]): TenantSchema {
  let schema: TenantSchema = { ...DEFAULT_TENANT_SCHEMA, undeclaredExtensions: mode };
  schema = declareAttribute(schema, declaration("costCenter"));
  schema = declareAttribute(schema, declaration("badgeNumber", { type: "integer" }));
  schema = declareAttribute(schema, declaration("clearance", { multiValued: true, caseExact: true }));
  return schema;
}

const refusing = tenantTypes(schemaWith("refuse")).User;
const storing = tenantTypes(schemaWith("store")).User;

function patch(doc: ResourceDoc, type = refusing, ...operations: Record<string, unknown>[]): ResourceDoc {
  return applyPatch(type, doc, parsePatchRequest({ Operations: operations }));
}

describe("tenant schema declarations", () => {
  it("adds, redefines (case-insensitively) and removes attributes", () => {
    let schema = declareAttribute(DEFAULT_TENANT_SCHEMA, declaration("costCenter"));
    schema = declareAttribute(
      schema,
      declaration("COSTCENTER", { schema: CONTOSO.toUpperCase(), type: "integer" }),
    );
    expect(schema.attributes).toEqual([declaration("COSTCENTER", { type: "integer" })]);
    schema = declareAttribute(schema, declaration("other"));
    expect(removeDeclarations(schema, CONTOSO, "costcenter").schema.attributes).toEqual([
      declaration("other"),
    ]);
    expect(removeDeclarations(schema, CONTOSO).schema.attributes).toEqual([]);
  });

  it("refuses bad names, built-in schemas and one URN for both resource types", () => {
    expect(() => declareAttribute(DEFAULT_TENANT_SCHEMA, declaration("bad name"))).toThrow(TenantSchemaError);
    expect(() => declareAttribute(DEFAULT_TENANT_SCHEMA, declaration("x", { schema: "not-a-urn" }))).toThrow(
      /not a schema URN/,
    );
    expect(() =>
      declareAttribute(
        DEFAULT_TENANT_SCHEMA,
        declaration("x", { schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" }),
      ),
    ).toThrow(/built-in/);
    const user = declareAttribute(DEFAULT_TENANT_SCHEMA, declaration("x"));
    expect(() => declareAttribute(user, declaration("y", { resourceType: "Group" }))).toThrow(
      /already extends User/,
    );
  });
});

describe("a tenant's resource type", () => {
  it("stores declared attributes under their URN object or by urn:…:attr key, coerced by type", () => {
    const doc = canonicaliseResource(refusing, {
      userName: "u",
      [CONTOSO]: { CostCenter: "CC-1", badgeNumber: 7 },
      [`${CONTOSO}:clearance`]: ["Secret", "TopSecret"],
    });
    expect(doc[CONTOSO]).toEqual({ costCenter: "CC-1", badgeNumber: 7, clearance: ["Secret", "TopSecret"] });
    expect(() =>
      canonicaliseResource(refusing, { userName: "u", [`${CONTOSO}:badgeNumber`]: "seven" }),
    ).toThrow(/must be an integer/);
  });

  it("refuses undeclared extensions with a 400 naming them, but not nulls or built-in schemas", () => {
    const refused = (body: Record<string, unknown>) => () =>
      canonicaliseResource(refusing, { userName: "u", ...body });
    expect(refused({ [`${OTHER}:thing`]: "x" })).toThrow(
      expect.objectContaining({
        status: 400,
        scimType: "invalidValue",
        message: expect.stringContaining(`${OTHER}:thing`),
      }),
    );
    expect(refused({ [OTHER]: { thing: "x" } })).toThrow(
      expect.objectContaining({ scimType: "invalidValue" }),
    );
    expect(refused({ [CONTOSO]: { undeclared: "x" } })).toThrow(new RegExp(`${CONTOSO}:undeclared`));
    expect(refused({ [`${OTHER}:thing`]: null })).not.toThrow();
    expect(
      refused({ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { unknownAttr: "x" } }),
    ).not.toThrow();
    expect(() =>
      patch({ userName: "u" }, refusing, { op: "add", path: `${OTHER}:thing`, value: "x" }),
    ).toThrow(expect.objectContaining({ scimType: "invalidValue" }));
    expect(() =>
      patch({ userName: "u" }, refusing, { op: "replace", value: { [`${OTHER}:thing`]: "x" } }),
    ).toThrow(expect.objectContaining({ scimType: "invalidValue" }));
  });

  it("stores undeclared extensions verbatim when the tenant says so", () => {
    const doc = canonicaliseResource(storing, {
      userName: "u",
      [OTHER]: { nested: { a: [1, 2] }, flag: "True" },
      [`urn:ietf:params:scim:schemas:extension:Third:2.0:User:level`]: 3,
      [CONTOSO]: { costCenter: "CC", undeclared: false },
    });
    expect(doc[OTHER]).toEqual({ nested: { a: [1, 2] }, flag: "True" });
    expect(doc["urn:ietf:params:scim:schemas:extension:Third:2.0:User"]).toEqual({ level: 3 });
    expect(doc[CONTOSO]).toEqual({ costCenter: "CC", undeclared: false });
    const patched = patch(
      doc,
      storing,
      { op: "Replace", path: `${OTHER}:flag`, value: "False" },
      {
        op: "remove",
        path: "urn:ietf:params:scim:schemas:extension:Third:2.0:User",
      },
    );
    expect(patched[OTHER]).toEqual({ nested: { a: [1, 2] }, flag: "False" });
    expect(patched["urn:ietf:params:scim:schemas:extension:Third:2.0:User"]).toBeUndefined();
  });

  it("PATCHes declared attributes by path, path-less dotted key and URN object, both dialects", () => {
    let doc: ResourceDoc = { userName: "u" };
    doc = patch(doc, refusing, { op: "Add", path: `${CONTOSO}:costCenter`, value: "A" });
    doc = patch(doc, refusing, {
      op: "replace",
      value: { [`${CONTOSO}:badgeNumber`]: 12, displayName: "D" },
    });
    doc = patch(doc, refusing, { op: "add", path: CONTOSO, value: { clearance: ["S"] } });
    doc = patch(doc, refusing, { op: "add", path: `${CONTOSO}:clearance`, value: ["T", "S"] });
    expect(doc[CONTOSO]).toEqual({ costCenter: "A", badgeNumber: 12, clearance: ["S", "T"] });
    doc = patch(doc, refusing, { op: "remove", path: `${CONTOSO}:clearance`, value: ["S"] });
    doc = patch(doc, refusing, { op: "Remove", path: `${CONTOSO}:costCenter` });
    expect(doc[CONTOSO]).toEqual({ badgeNumber: 12, clearance: ["T"] });
  });

  it("filters on declared attributes honour type and caseExact", () => {
    const resource = {
      userName: "u",
      [CONTOSO]: { costCenter: "CC-1", badgeNumber: 7, clearance: ["Secret"] },
    };
    const matches = (filter: string) => matchesFilter(parseFilter(filter), resource, refusing);
    expect(matches(`${CONTOSO}:costCenter eq "cc-1"`)).toBe(true);
    expect(matches(`${CONTOSO}:badgeNumber gt 5`)).toBe(true);
    expect(matches(`${CONTOSO}:clearance eq "secret"`)).toBe(false);
    expect(matches(`${CONTOSO}:clearance eq "Secret"`)).toBe(true);
    expect(() => {
      validateFilterPaths(parseFilter(`${OTHER}:thing eq "x"`), refusing);
    }).toThrow(/Unknown attribute/);
  });

  it("is listed by /Schemas and /ResourceTypes of its tenant only", () => {
    const types = tenantTypes(schemaWith("refuse"));
    const schemas = schemaDocuments("https://x/scim/v2/t", [types.User, types.Group]);
    const contoso = schemas.find((schema) => schema.id === CONTOSO);
    expect(contoso).toMatchObject({ name: "ContosoUser" });
    expect(contoso?.attributes).toEqual([
      expect.objectContaining({ name: "costCenter", type: "string", multiValued: false, caseExact: false }),
      expect.objectContaining({ name: "badgeNumber", type: "integer" }),
      expect.objectContaining({ name: "clearance", multiValued: true, caseExact: true }),
    ]);
    const user = resourceTypeDocuments("https://x/scim/v2/t", [types.User, types.Group]).find(
      (t) => t.id === "User",
    );
    expect(user?.schemaExtensions).toContainEqual({ schema: CONTOSO, required: false });
    expect(schemaDocuments("https://x/scim/v2/t").some((schema) => schema.id === CONTOSO)).toBe(false);
  });
});
