import { loadAppApiSpec } from "../../support/openApi";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

describe("GET /api/v1/tenants/{tenantId}/events over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let other: TestTenant;
  let appKey: string;
  let otherAppKey: string;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, ...args) => {
      logs.push(args.map(String).join(" "));
    });
    tenant = await harness.createTenant("feed");
    other = await harness.createTenant("feed");
    appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    otherAppKey = (await harness.services.appKeys.create(other.tenantId)).appKey;
  });

  afterAll(() => harness.close());

  /** `key` null sends no Authorization header. */
  const feed = (tenantId: string, query: string, key: string | null = appKey) =>
    fetch(`${harness.host.origin}/api/v1/tenants/${tenantId}/events${query}`, {
      headers: key === null ? {} : { Authorization: `Bearer ${key}` },
    });

  it("serves the tenant's changes in commit order with a next cursor", async () => {
    const scim = scimClient(tenant);
    const created = await scim("POST", "/Users", { userName: "feed@x.com", active: true });
    await scim("PATCH", `/Users/${created.body.id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    const first = await feed(tenant.tenantId, "?limit=1");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json");
    const page = (await first.json()) as { data: { type: string }[]; next: string; hasMore: boolean };
    expect(page.data.map((event) => event.type)).toEqual(["user.created"]);
    expect(page.hasMore).toBe(true);
    const spec = loadAppApiSpec();
    expect(spec.problems("/api/v1/tenants/{tenantId}/events", 200, page)).toEqual([]);
    const second = (await (await feed(tenant.tenantId, `?after=${page.next}`)).json()) as typeof page;
    expect(second.data.map((event) => event.type)).toEqual(["user.deactivated"]);
    expect(second.hasMore).toBe(false);
  });

  it("accepts only an app key of the tenant: 401 for none, another tenant's key, or Entra's SCIM token", async () => {
    for (const key of [null, otherAppKey, tenant.token, "scimapp_forged"]) {
      const response = await feed(tenant.tenantId, "", key);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      const body = await response.json();
      expect(body).toMatchObject({ error: { code: "unauthorized" } });
      expect(loadAppApiSpec().problems("/api/v1/tenants/{tenantId}/events", 401, body)).toEqual([]);
    }
    expect((await feed("no tenant!", "")).status).toBe(401);
  });

  it("refuses the app key on SCIM with 401", async () => {
    const response = await scimClient({ ...tenant, token: appKey })("GET", "/Users");
    expect(response.status).toBe(401);
  });

  it("answers a tampered or foreign cursor and a bad limit with 400, and never logs the key", async () => {
    const theirs = (await (await feed(other.tenantId, "", otherAppKey)).json()) as { next: string };
    for (const query of [`?after=${theirs.next}`, "?after=ev1_1_AAAAAAAAAAAAAAAA", "?limit=0", "?limit=x"]) {
      const response = await feed(tenant.tenantId, query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/^invalid_/);
    }
    expect(logs.some((line) => line.includes('"event":"app.request"'))).toBe(true);
    expect(logs.join("\n")).not.toContain(appKey);
  });
});
