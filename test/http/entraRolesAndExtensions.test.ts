import { randomUUID } from "node:crypto";
import { declareAttribute, type ExtensionAttributeDeclaration } from "../../src/scim/schema/tenantSchema";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
const UNDECLARED = "urn:ietf:params:scim:schemas:extension:Fabrikam:2.0:User";
const AAD_ROLE = "WindowsAzureActiveDirectoryRole";
/** The default dialect's app role, JSON-encoded inside `value` (docs/entra-behaviour.md#app-roles-as-json-inside-value). */
const ENCODED_ROLE = '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}';

function entraFilter(filter: string): string {
  return encodeURIComponent(filter).replace(/%20/g, "+");
}

function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

function declaration(name: string, type: ExtensionAttributeDeclaration["type"] = "string") {
  return { schema: CONTOSO, resourceType: "User", name, type, multiValued: false, caseExact: false } as const;
}

describe("Entra app roles and tenant-defined extension attributes over HTTP", () => {
  let harness: TestHost;

  beforeAll(async () => {
    harness = await startTestHost();
  });

  afterAll(() => harness.close());

  const newUser = (extra: Record<string, unknown> = {}) => ({
    schemas: [CORE_USER, ENTERPRISE],
    externalId: randomUUID(),
    userName: `u.${randomUUID().slice(0, 8)}@contoso.com`,
    active: true,
    meta: { resourceType: "User" },
    ...extra,
  });

  /** A tenant whose schema is declared before its first request (so no cached types are stale). */
  async function tenantWith(
    mode: "refuse" | "store",
    declarations: readonly ExtensionAttributeDeclaration[] = [],
  ): Promise<TestTenant> {
    const tenant = await harness.createTenant(mode);
    await harness.services.tenantSchemas.update(tenant.tenantId, (current) =>
      declarations.reduce(declareAttribute, { ...current, undeclaredExtensions: mode }),
    );
    return tenant;
  }

  describe("roles", () => {
    let scim: ReturnType<typeof scimClient>;

    beforeAll(async () => {
      scim = scimClient(await harness.createTenant("roles"));
    });

    it("SingleAppRoleAssignment create, default-dialect encoded Add, filter, and the mapping-target path", async () => {
      const created = await scim(
        "POST",
        "/Users",
        newUser({ roles: [{ primary: true, type: AAD_ROLE, value: "Admin" }] }),
      );
      expect(created.status).toBe(201);
      expect(created.body.roles).toEqual([{ primary: true, type: AAD_ROLE, value: "Admin" }]);
      const id = created.body.id as string;

      const added = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "Add", path: "roles", value: [{ value: ENCODED_ROLE }] }),
      );
      expect(added.status).toBe(200);
      expect(added.body.roles).toEqual([
        { primary: true, type: AAD_ROLE, value: "Admin" },
        { value: "25", display: "Role1234" },
      ]);
      expect((await scim("GET", `/Users/${id}`)).body.roles).toEqual(added.body.roles);

      for (const filter of ['roles[value eq "Admin"]', 'roles[value eq "25"]', "roles[primary eq true]"]) {
        const found = await scim("GET", `/Users?filter=${entraFilter(filter)}`);
        expect({ filter, ids: found.body.Resources.map((r: { id: string }) => r.id) }).toEqual({
          filter,
          ids: [id],
        });
      }
      const none = await scim("GET", `/Users?filter=${entraFilter('roles[value eq "Nobody"]')}`);
      expect(none.body.totalResults).toBe(0);

      // aadOptscim062020 with the tutorial's mapping target roles[primary eq "True"].value.
      const primary = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "replace", path: 'roles[primary eq "True"].value', value: "Owner" }),
      );
      expect(primary.status).toBe(200);
      expect(primary.body.roles).toEqual([
        { primary: true, type: AAD_ROLE, value: "Owner" },
        { value: "25", display: "Role1234" },
      ]);

      const removed = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "Remove", path: "roles", value: [{ value: ENCODED_ROLE }] }),
      );
      expect(removed.body.roles).toEqual([{ primary: true, type: AAD_ROLE, value: "Owner" }]);
    });

    it("AppRoleAssignmentsComplex: several roles on create, then a replace of the full set", async () => {
      const created = await scim(
        "POST",
        "/Users",
        newUser({
          roles: [
            { primary: false, type: AAD_ROLE, display: "Admin", value: "Admin" },
            { primary: "False", type: AAD_ROLE, display: "User", value: "User" },
          ],
        }),
      );
      expect(created.status).toBe(201);
      expect(created.body.roles).toEqual([
        { primary: false, type: AAD_ROLE, display: "Admin", value: "Admin" },
        { primary: false, type: AAD_ROLE, display: "User", value: "User" },
      ]);
      const replaced = await scim(
        "PATCH",
        `/Users/${created.body.id as string}`,
        patch({
          op: "replace",
          path: "roles",
          value: [
            { primary: false, type: AAD_ROLE, display: "Reader", value: "Reader" },
            { primary: "False", type: AAD_ROLE, value: ENCODED_ROLE },
          ],
        }),
      );
      expect(replaced.status).toBe(200);
      expect(replaced.body.roles).toEqual([
        { primary: false, type: AAD_ROLE, display: "Reader", value: "Reader" },
        { primary: false, type: AAD_ROLE, display: "Role1234", value: "25" },
      ]);
    });

    it("lists roles with value, display, type and primary in /Schemas", async () => {
      const user = await scim("GET", `/Schemas/${CORE_USER}`);
      const roles = (user.body.attributes as { name: string; subAttributes?: { name: string }[] }[]).find(
        (attribute) => attribute.name === "roles",
      );
      expect(roles?.subAttributes?.map((sub) => sub.name)).toEqual(["value", "display", "type", "primary"]);
    });
  });

  describe("extension attributes", () => {
    it("a declared extension: both create shapes, both PATCH dialects, filters, validation, discovery", async () => {
      const tenant = await tenantWith("refuse", [
        declaration("costCenter"),
        declaration("badgeNumber", "integer"),
      ]);
      const scim = scimClient(tenant);

      // Entra never lists the custom URN in schemas; it sends the colon-qualified key.
      const byKey = await scim("POST", "/Users", newUser({ [`${CONTOSO}:costCenter`]: "CC-100" }));
      expect(byKey.status).toBe(201);
      expect(byKey.body[CONTOSO]).toEqual({ costCenter: "CC-100" });
      expect(byKey.body.schemas).toEqual([CORE_USER, CONTOSO]);
      const byObject = await scim(
        "POST",
        "/Users",
        newUser({ [CONTOSO]: { CostCenter: "CC-200", badgeNumber: 7 } }),
      );
      expect(byObject.status).toBe(201);
      expect(byObject.body[CONTOSO]).toEqual({ costCenter: "CC-200", badgeNumber: 7 });
      const id = byKey.body.id as string;

      // Default dialect: one Replace per attribute with the URN path.
      const defaultPatch = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "Replace", path: `${CONTOSO}:costCenter`, value: "CC-101" }),
      );
      expect(defaultPatch.status).toBe(200);
      expect(defaultPatch.body[CONTOSO]).toEqual({ costCenter: "CC-101" });
      // aadOptscim062020: one path-less replace with URN-qualified keys.
      const compliant = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "replace", value: { displayName: "D", [`${CONTOSO}:badgeNumber`]: 42 } }),
      );
      expect(compliant.status).toBe(200);
      expect(compliant.body[CONTOSO]).toEqual({ costCenter: "CC-101", badgeNumber: 42 });

      const filtered = await scim("GET", `/Users?filter=${entraFilter(`${CONTOSO}:costCenter eq "cc-101"`)}`);
      expect(filtered.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
      const ranged = await scim("GET", `/Users?filter=${entraFilter(`${CONTOSO}:badgeNumber ge 7`)}`);
      expect(ranged.body.totalResults).toBe(2);
      const projected = await scim("GET", `/Users/${id}?attributes=${CONTOSO}:badgeNumber`);
      expect(projected.body[CONTOSO]).toEqual({ badgeNumber: 42 });

      const badType = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: "Add", path: `${CONTOSO}:badgeNumber`, value: "x" }),
      );
      expect(badType.status).toBe(400);
      expect(badType.body.scimType).toBe("invalidValue");

      const schemas = await scim("GET", "/Schemas");
      const contoso = (schemas.body.Resources as { id: string; attributes: { name: string }[] }[]).find(
        (schema) => schema.id === CONTOSO,
      );
      expect(contoso?.attributes.map((attribute) => attribute.name)).toEqual(["costCenter", "badgeNumber"]);
      expect((await scim("GET", `/Schemas/${CONTOSO}`)).status).toBe(200);
      const userType = await scim("GET", "/ResourceTypes/User");
      expect(userType.body.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
        { schema: CONTOSO, required: false },
      ]);
    });

    it("one tenant's extensions are invisible to another: discovery, create and filter", async () => {
      const owner = scimClient(await tenantWith("refuse", [declaration("costCenter")]));
      const created = await owner("POST", "/Users", newUser({ [`${CONTOSO}:costCenter`]: "Shared" }));
      expect(created.status).toBe(201);

      const stranger = scimClient(await tenantWith("refuse"));
      const schemas = await stranger("GET", "/Schemas");
      expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).not.toContain(CONTOSO);
      expect((await stranger("GET", `/Schemas/${CONTOSO}`)).status).toBe(404);
      expect((await stranger("GET", "/ResourceTypes/User")).body.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
      ]);
      const refused = await stranger("POST", "/Users", newUser({ [`${CONTOSO}:costCenter`]: "Shared" }));
      expect(refused.status).toBe(400);
      expect(refused.body.scimType).toBe("invalidValue");
      expect(refused.body.detail).toContain(`${CONTOSO}:costCenter`);
      const filter = await stranger(
        "GET",
        `/Users?filter=${entraFilter(`${CONTOSO}:costCenter eq "Shared"`)}`,
      );
      expect(filter.status).toBe(400);
      expect(filter.body.scimType).toBe("invalidFilter");

      // A tenant that stores undeclared extensions keeps its own copy and never sees the owner's user.
      const keeper = scimClient(await tenantWith("store"));
      const kept = await keeper("POST", "/Users", newUser({ [`${CONTOSO}:costCenter`]: "Shared" }));
      expect(kept.status).toBe(201);
      const keeperHits = await keeper(
        "GET",
        `/Users?filter=${entraFilter(`${CONTOSO}:costCenter eq "Shared"`)}`,
      );
      expect(keeperHits.body.Resources.map((r: { id: string }) => r.id)).toEqual([kept.body.id]);
      expect((await keeper("GET", "/Schemas")).body.Resources.map((s: { id: string }) => s.id)).not.toContain(
        CONTOSO,
      );
    });

    it("refuses undeclared extensions with 400 naming them, changing nothing, when the tenant says so", async () => {
      const scim = scimClient(await tenantWith("refuse"));
      const body = newUser({ [`${UNDECLARED}:level`]: "3" });
      const refused = await scim("POST", "/Users", body);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: "400", scimType: "invalidValue" });
      expect(refused.body.detail).toContain(`${UNDECLARED}:level`);
      const missing = await scim("GET", `/Users?filter=${entraFilter(`userName eq "${body.userName}"`)}`);
      expect(missing.body.totalResults).toBe(0);

      const created = await scim("POST", "/Users", newUser());
      const id = created.body.id as string;
      for (const operation of [
        { op: "Add", path: `${UNDECLARED}:level`, value: "3" },
        { op: "replace", value: { [`${UNDECLARED}:level`]: "3" } },
        { op: "add", path: UNDECLARED, value: { level: "3" } },
      ]) {
        const response = await scim("PATCH", `/Users/${id}`, patch(operation));
        expect({ operation, status: response.status, scimType: response.body.scimType }).toEqual({
          operation,
          status: 400,
          scimType: "invalidValue",
        });
      }
      expect((await scim("GET", `/Users/${id}`)).body.meta.version).toBe(created.body.meta.version);
    });

    it("stores undeclared extensions as sent and returns them verbatim (the default)", async () => {
      const scim = scimClient(await harness.createTenant("default"));
      const created = await scim(
        "POST",
        "/Users",
        newUser({
          [`${UNDECLARED}:level`]: "3",
          [UNDECLARED.replace("Fabrikam", "Tailspin")]: { tags: ["a", 1] },
        }),
      );
      expect(created.status).toBe(201);
      expect(created.body[UNDECLARED]).toEqual({ level: "3" });
      expect(created.body[UNDECLARED.replace("Fabrikam", "Tailspin")]).toEqual({ tags: ["a", 1] });
      const id = created.body.id as string;
      const patched = await scim(
        "PATCH",
        `/Users/${id}`,
        patch(
          { op: "Replace", path: `${UNDECLARED}:level`, value: "4" },
          { op: "replace", value: { [`${UNDECLARED}:since`]: "2026" } },
        ),
      );
      expect(patched.status).toBe(200);
      expect(patched.body[UNDECLARED]).toEqual({ level: "4", since: "2026" });
      const hit = await scim("GET", `/Users?filter=${entraFilter(`${UNDECLARED}:level eq "4"`)}`);
      expect(hit.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    });
  });
});
