import { randomUUID } from "node:crypto";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** Entra encodes filters form-style: spaces as '+', quotes as %22. */
function entraFilter(filter: string): string {
  return encodeURIComponent(filter).replace(/%20/g, "+");
}

function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** The user sequence Entra sends (docs/entra-behaviour.md#one-provisioning-cycle), replayed over HTTP. */
describe("Entra's user provisioning sequence over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("entra");
    scim = scimClient(tenant);
  });

  afterAll(() => harness.close());

  const createBody = (userName: string, externalId: string) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
    externalId,
    userName,
    active: true,
    displayName: "Alice Wong",
    title: "Engineer",
    emails: [{ primary: true, type: "work", value: userName }],
    meta: { resourceType: "User" },
    name: { formatted: "Alice Wong", familyName: "Wong", givenName: "Alice" },
    phoneNumbers: [
      { type: "work", value: "55555555555" },
      { type: "mobile", value: "+1 (555) 010-0000" },
    ],
    addresses: [
      { type: "work", streetAddress: "1 Main St", locality: "Redmond", region: "WA", primary: false },
    ],
    roles: [],
    [ENTERPRISE]: { department: "Sales", employeeNumber: "701984" },
  });

  it("Test Connection: a random userName and a group probe both answer 200 with an empty ListResponse", async () => {
    const users = await scim("GET", `/Users?filter=${entraFilter(`userName eq "${randomUUID()}"`)}`);
    expect(users.status).toBe(200);
    expect(users.headers.get("content-type")).toBe("application/scim+json");
    expect(users.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const groups = await scim(
      "GET",
      `/Groups?excludedAttributes=members&filter=${entraFilter(`displayName eq "${randomUUID()}"`)}`,
    );
    expect(groups.status).toBe(200);
    expect(groups.body.totalResults).toBe(0);
    expect(groups.body.Resources).toEqual([]);
  });

  it("runs match → create → re-read → both PATCH dialects → manager → disable → re-enable → delete", async () => {
    const userName = `alice.${randomUUID().slice(0, 6)}@contoso.com`;
    const externalId = `alice${randomUUID().slice(0, 6)}`;

    // 2. Match miss, in matching precedence order.
    for (const filter of [`userName eq "${userName}"`, `externalId eq "${externalId}"`]) {
      const miss = await scim("GET", `/Users?filter=${entraFilter(filter)}`);
      expect(miss.status).toBe(200);
      expect(miss.body.totalResults).toBe(0);
    }

    // 3. Create.
    const sent = createBody(userName, externalId);
    const created = await scim("POST", "/Users", sent);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.get("location")).toBe(`${tenant.tenantUrl}/Users/${id}`);
    const etag = created.headers.get("etag");
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(created.body.meta).toMatchObject({
      resourceType: "User",
      location: `${tenant.tenantUrl}/Users/${id}`,
      version: etag,
    });
    expect(created.body.roles).toBeUndefined();

    // 4. Re-read: every value exactly as sent.
    const read = await scim("GET", `/Users/${id}`);
    expect(read.status).toBe(200);
    const { meta: _meta, roles: _roles, schemas: _schemas, ...sentValues } = sent;
    expect(read.body).toMatchObject(sentValues);
    expect(read.body.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]);

    // Matching finds it by userName in another case, by externalId and by work email.
    for (const filter of [
      `userName eq "${userName.toUpperCase()}"`,
      `externalId eq "${externalId}"`,
      `emails[type eq "work"].value eq "${userName}"`,
      `id eq "${id}"`,
    ]) {
      const hit = await scim("GET", `/Users?filter=${entraFilter(filter)}`);
      expect({ filter, total: hit.body.totalResults, id: hit.body.Resources[0]?.id }).toEqual({
        filter,
        total: 1,
        id,
      });
    }

    // 5. Default-dialect PATCH: capitalised ops, value path, sub-attribute, add, URN path.
    const defaultPatch = await scim(
      "PATCH",
      `/Users/${id}`,
      patch(
        { op: "Replace", path: 'emails[type eq "work"].value', value: `new.${userName}` },
        { op: "Replace", path: "name.familyName", value: "Wong-Li" },
        { op: "Add", path: "nickName", value: "Babs" },
        { op: "Replace", path: `${ENTERPRISE}:department`, value: "Marketing" },
      ),
    );
    expect(defaultPatch.status).toBe(200);
    expect(defaultPatch.body.emails).toEqual([{ primary: true, type: "work", value: `new.${userName}` }]);
    expect(defaultPatch.body.name).toEqual({
      formatted: "Alice Wong",
      familyName: "Wong-Li",
      givenName: "Alice",
    });
    expect(defaultPatch.body.nickName).toBe("Babs");
    expect(defaultPatch.body[ENTERPRISE]).toEqual({ department: "Marketing", employeeNumber: "701984" });
    const byNewEmail = await scim(
      "GET",
      `/Users?filter=${entraFilter(`emails[type eq "work"].value eq "new.${userName}"`)}`,
    );
    expect(byNewEmail.body.Resources.map((user: { id: string }) => user.id)).toEqual([id]);

    // 6. aadOptscim062020 dialect: path-less replace with dotted and URN keys, plus a value path.
    const flagPatch = await scim(
      "PATCH",
      `/Users/${id}`,
      patch(
        {
          op: "replace",
          value: {
            displayName: "Bjfe",
            "name.givenName": "Kkom",
            "name.familyName": "Unua",
            [`${ENTERPRISE}:employeeNumber`]: "Aklq",
          },
        },
        { op: "replace", path: 'addresses[type eq "work"].locality', value: "Seattle" },
        { op: "add", path: 'phoneNumbers[type eq "fax"].value', value: "555-0199" },
      ),
    );
    expect(flagPatch.status).toBe(200);
    expect(flagPatch.body.displayName).toBe("Bjfe");
    expect(flagPatch.body.name).toEqual({ formatted: "Alice Wong", familyName: "Unua", givenName: "Kkom" });
    expect(flagPatch.body[ENTERPRISE].employeeNumber).toBe("Aklq");
    expect(flagPatch.body["name.givenName"]).toBeUndefined();
    expect(flagPatch.body.addresses).toEqual([
      { type: "work", streetAddress: "1 Main St", locality: "Seattle", region: "WA", primary: false },
    ]);
    expect(flagPatch.body.phoneNumbers).toContainEqual({ type: "fax", value: "555-0199" });

    // 7. Manager in each wire form, always returned as {value}.
    const manager = await scim("POST", "/Users", createBody(`boss.${userName}`, `boss${externalId}`));
    const managerId = manager.body.id as string;
    const managerPath = `${ENTERPRISE}:manager`;
    for (const value of [
      managerId,
      [{ $ref: `${tenant.tenantUrl}/Users/${managerId}`, value: managerId }],
      { value: managerId },
    ]) {
      const linked = await scim("PATCH", `/Users/${id}`, patch({ op: "Add", path: managerPath, value }));
      expect(linked.status).toBe(200);
      expect(linked.body[ENTERPRISE].manager.value).toBe(managerId);
    }
    const legacy = await scim(
      "GET",
      `/Users?filter=${entraFilter(`id eq "${id}" and manager eq "${managerId}"`)}&attributes=id`,
    );
    expect(legacy.body.Resources).toEqual([{ schemas: expect.any(Array), id }]);
    const removed = await scim("PATCH", `/Users/${id}`, patch({ op: "remove", path: managerPath }));
    expect(removed.body[ENTERPRISE].manager).toBeUndefined();

    // 8. Disable with the string "False", then a boolean; the user is still matched.
    for (const value of ["False", false]) {
      const disabled = await scim(
        "PATCH",
        `/Users/${id}`,
        patch({ op: value === false ? "replace" : "Replace", path: "active", value }),
      );
      expect(disabled.status).toBe(200);
      expect(disabled.body.active).toBe(false);
    }
    const stillThere = await scim("GET", `/Users?filter=${entraFilter(`userName eq "${userName}"`)}`);
    expect(stillThere.body.Resources[0]).toMatchObject({ id, active: false });

    // 9. Re-enable with the string "True".
    const enabled = await scim(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "Replace", path: "active", value: "True" }),
    );
    expect(enabled.body.active).toBe(true);

    // Rename: id is stable, the old name no longer matches, the new one does.
    const renamed = await scim(
      "PATCH",
      `/Users/${id}`,
      patch({ op: "Replace", path: "userName", value: `renamed.${userName}` }),
    );
    expect(renamed.body).toMatchObject({ id, userName: `renamed.${userName}` });
    expect(
      (await scim("GET", `/Users?filter=${entraFilter(`userName eq "${userName}"`)}`)).body.totalResults,
    ).toBe(0);
    expect(
      (await scim("GET", `/Users?filter=${entraFilter(`userName eq "renamed.${userName}"`)}`)).body
        .totalResults,
    ).toBe(1);

    // 11. Negative checks.
    const duplicate = await scim("POST", "/Users", createBody(`RENAMED.${userName}`, "other"));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ scimType: "uniqueness", status: "409" });
    expect((await scim("GET", `/Users/${randomUUID()}`)).status).toBe(404);
    expect((await scim("DELETE", `/Users/${randomUUID()}`)).status).toBe(404);
    const badToken = await fetch(`${tenant.tenantUrl}/Users`, { headers: { Authorization: "Bearer nope" } });
    expect(badToken.status).toBe(401);

    // 13. Delete, then it is gone (and a second delete is 404).
    expect((await scim("DELETE", `/Users/${id}`)).status).toBe(204);
    expect((await scim("GET", `/Users/${id}`)).status).toBe(404);
    expect((await scim("DELETE", `/Users/${id}`)).status).toBe(404);
    expect(
      (await scim("GET", `/Users?filter=${entraFilter(`userName eq "renamed.${userName}"`)}`)).body
        .totalResults,
    ).toBe(0);
  });

  it("pages with startIndex and count across 12 users, as Microsoft's validator walks them", async () => {
    const pager = await harness.createTenant("pages");
    const client = scimClient(pager);
    for (let index = 0; index < 12; index += 1) {
      expect(
        (await client("POST", "/Users", { userName: `user${String(index).padStart(2, "0")}@x.com` })).status,
      ).toBe(201);
    }
    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= 12; startIndex += 5) {
      const page = await client("GET", `/Users?startIndex=${startIndex}&count=5`);
      expect(page.body).toMatchObject({
        totalResults: 12,
        startIndex,
        itemsPerPage: Math.min(5, 13 - startIndex),
      });
      seen.push(...page.body.Resources.map((user: { userName: string }) => user.userName));
    }
    expect(new Set(seen).size).toBe(12);
    const countOnly = await client("GET", "/Users?count=0");
    expect(countOnly.body).toMatchObject({ totalResults: 12, itemsPerPage: 0, Resources: [] });
  });
});
