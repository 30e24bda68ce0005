import type { AuditRecord } from "../../src/service/audit";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

describe("the audit trail (Azurite, over HTTP)", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("audit");
    scim = scimClient(tenant);
  });

  afterAll(() => harness.close());

  async function trail(resourceId?: string): Promise<AuditRecord[]> {
    const page = await harness.services.auditLog.list(tenant.tenantId, {
      limit: 100,
      ...(resourceId ? { resourceId } : {}),
    });
    return [...page.records];
  }

  it("records each kind of change once, newest first, with who, what and which request", async () => {
    const created = await scim("POST", "/Users", { userName: "audited@x.com", title: "Dev" });
    const id = created.body.id as string;
    const correlationId = created.headers.get("x-correlation-id");
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "title", value: "Lead" }));
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: "False" }));
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: "True" }));
    // A PATCH that changes nothing writes nothing.
    await scim("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "title", value: "Lead" }));
    const group = (await scim("POST", "/Groups", { displayName: "Audited" })).body.id as string;
    await scim("PATCH", `/Groups/${group}`, patch({ op: "Add", path: "members", value: [{ value: id }] }));
    await scim("PATCH", `/Groups/${group}`, patch({ op: "Remove", path: "members", value: [{ value: id }] }));
    await scim("DELETE", `/Users/${id}`);

    const records = await trail(id);
    expect(records.map((record) => record.operation)).toEqual([
      "delete",
      "reenable",
      "disable",
      "update",
      "create",
    ]);
    const [deleted, reenabled, disabled, updated, creation] = records;
    expect(creation).toMatchObject({
      resourceType: "User",
      resourceId: id,
      correlationId,
      credentialId: expect.stringMatching(/^token:/),
      changes: [
        { attribute: "title", after: "Dev" },
        { attribute: "userName", after: "audited@x.com" },
      ],
    });
    expect(updated?.changes).toEqual([{ attribute: "title", before: "Dev", after: "Lead" }]);
    expect(disabled?.changes).toEqual([{ attribute: "active", after: false }]);
    expect(reenabled?.changes).toEqual([{ attribute: "active", before: false, after: true }]);
    expect(deleted?.changes).toContainEqual({ attribute: "userName", before: "audited@x.com" });
    expect(JSON.stringify(records)).not.toContain(tenant.token);

    const groupTrail = await trail(group);
    expect(groupTrail.map((record) => [record.operation, record.changes])).toEqual([
      ["membersRemoved", [{ attribute: "members", before: [id] }]],
      ["membersAdded", [{ attribute: "members", after: [id] }]],
      ["create", [{ attribute: "displayName", after: "Audited" }]],
    ]);
  });

  it("leaves no record for a request that fails", async () => {
    const before = (await trail()).length;
    await scim("POST", "/Users", { userName: "dup@x.com" });
    expect((await scim("POST", "/Users", { userName: "DUP@x.com" })).status).toBe(409);
    expect((await scim("POST", "/Users", { displayName: "no userName" })).status).toBe(400);
    expect((await trail()).length).toBe(before + 1);
  });

  it("pages newest first, filters by time, and purges what is older than the retention", async () => {
    const pages = await harness.services.auditLog.list(tenant.tenantId, { limit: 2 });
    expect(pages.records).toHaveLength(2);
    expect(pages.next).toEqual(expect.any(String));
    const next = await harness.services.auditLog.list(tenant.tenantId, {
      limit: 2,
      cursor: pages.next ?? "",
    });
    expect((next.records[0]?.time ?? "") <= (pages.records[1]?.time ?? "")).toBe(true);
    const future = new Date(Date.now() + 60_000);
    expect(
      (await harness.services.auditLog.list(tenant.tenantId, { limit: 10, since: future })).records,
    ).toEqual([]);
    const total = (await trail()).length;
    expect(await harness.services.auditLog.purge(tenant.tenantId, new Date(0))).toBe(0);
    expect(await harness.services.auditLog.purge(tenant.tenantId, future)).toBe(total);
    expect(await trail()).toEqual([]);
  });
});
