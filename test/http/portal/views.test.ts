import { scimClient, startTestHost, type TestHost, type TestTenant } from "../../support/testServices";
import { portalClient, type PortalClient } from "../../support/portalClient";

describe("the portal's views over HTTP, for the session's tenant only", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let browser: PortalClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, ...args) => {
      logLines.push(args.map(String).join(" "));
    });
    tenant = await harness.createTenant("views");
    browser = portalClient(harness.host.origin);
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    expect((await browser.signIn(secret)).status).toBe(200);
  });

  afterAll(() => harness.close());

  it("creates a Secret Token shown once, which Test connection then accepts", async () => {
    const connect = await browser.call("GET", "/portal/api/connect");
    expect(connect.body).toEqual({
      tenantUrl: tenant.tenantUrl,
      tokenEndpoint: `${tenant.tenantUrl}/oauth/token`,
      steps: expect.arrayContaining([expect.stringContaining("Test Connection")]),
    });
    const created = await browser.call("POST", "/portal/api/credentials/tokens", {});
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^scim_/);
    const token = String(created.body.token);
    const test = await browser.call("POST", "/portal/api/test-connection", { token });
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(true);
    expect(test.body.checks).toEqual([
      expect.objectContaining({ name: "Find a user by userName", status: 200, ok: true }),
      expect.objectContaining({ name: "Find a group by displayName", status: 200, ok: true }),
    ]);
    expect(test.body.checks[0].request).toMatch(/^GET \/scim\/v2\/views-[^/]+\/Users\?filter=userName eq "/);
    const refused = await browser.call("POST", "/portal/api/test-connection", { token: "scim_not-a-token" });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.checks[0]).toEqual(
      expect.objectContaining({ status: 401, ok: false, detail: expect.stringContaining("Secret Token") }),
    );
    // Shown once: no later answer carries it, and no log line.
    const listed = await browser.call("GET", "/portal/api/credentials");
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: created.body.id, kind: "token", state: "active" }),
      ]),
    );
    // The Test connection requests used the token: its last use is shown.
    const used = (listed.body as { id: string; lastUsedAt: string | null }[]).find(
      (item) => item.id === created.body.id,
    );
    expect(Date.now() - Date.parse(String(used?.lastUsedAt))).toBeLessThan(60_000);
    expect(
      (listed.body as { lastUsedAt: string | null }[]).filter((item) => item.lastUsedAt === null).length,
    ).toBeGreaterThan(0);
    expect(browser.bodies.filter((body) => body.includes(token))).toHaveLength(1);
    expect(logLines.filter((line) => line.includes(token))).toEqual([]);
  });

  it("rotates with a grace period and revokes", async () => {
    const first = await browser.call("POST", "/portal/api/credentials/tokens", { graceDays: 0 });
    const rotated = await browser.call("POST", `/portal/api/credentials/${first.body.id}/rotate`, {
      graceDays: 2,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual(
      expect.objectContaining({ kind: "token", replaces: first.body.id, graceEndsAt: expect.any(String) }),
    );
    const listed = (await browser.call("GET", "/portal/api/credentials")).body as {
      id: string;
      state: string;
      graceEndsAt?: string;
    }[];
    expect(listed.find((item) => item.id === first.body.id)).toEqual(
      expect.objectContaining({ state: "expiring", graceEndsAt: rotated.body.graceEndsAt }),
    );
    expect((await browser.call("DELETE", `/portal/api/credentials/${first.body.id}`)).status).toBe(204);
    const after = (await browser.call("GET", "/portal/api/credentials")).body as {
      id: string;
      state: string;
    }[];
    expect(after.find((item) => item.id === first.body.id)?.state).toBe("expired");
    const scim = scimClient({ ...tenant, token: String(first.body.token) });
    expect((await scim("GET", "/Users")).status).toBe(401);
  });

  it("creates an OAuth client (secret once) and lists, adds and removes a federation trust", async () => {
    const client = await browser.call("POST", "/portal/api/credentials/clients", {});
    expect(client.status).toBe(201);
    expect(client.body.clientSecret).toMatch(/^scimcs_/);
    // Test connection the OAuth way: Entra first asks the token endpoint, then probes with the access token.
    const viaClient = await browser.call("POST", "/portal/api/test-connection", {
      clientId: client.body.clientId,
      clientSecret: client.body.clientSecret,
    });
    expect(viaClient.body.ok).toBe(true);
    expect(viaClient.body.checks.map((check: { status: number }) => check.status)).toEqual([200, 200, 200]);
    const wrongSecret = await browser.call("POST", "/portal/api/test-connection", {
      clientId: client.body.clientId,
      clientSecret: "scimcs_wrong",
    });
    expect(wrongSecret.body).toEqual({
      ok: false,
      checks: [expect.objectContaining({ ok: false, status: expect.any(Number) })],
    });
    expect(browser.bodies.filter((body) => body.includes(String(client.body.clientSecret)))).toHaveLength(1);
    expect(logLines.filter((line) => line.includes(String(client.body.clientSecret)))).toEqual([]);
    const trust = await browser.call("POST", "/portal/api/trusts", {
      issuer: "https://login.example.test/tenant/v2.0",
      subject: "app-1",
      audiences: ["api://scim"],
      jwksUri: "https://login.example.test/keys",
    });
    expect(trust.status).toBe(201);
    expect((await browser.call("GET", "/portal/api/trusts")).body).toHaveLength(1);
    expect((await browser.call("DELETE", `/portal/api/trusts/${trust.body.trustId}`)).status).toBe(204);
    expect((await browser.call("GET", "/portal/api/trusts")).body).toHaveLength(0);
  });

  it("shows a failure with its SCIM error and a fix, and the requests by outcome", async () => {
    const created = await browser.call("POST", "/portal/api/credentials/tokens", {});
    const scim = scimClient({ ...tenant, token: String(created.body.token) });
    const user = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "ada@contoso.test" };
    expect((await scim("POST", "/Users", user)).status).toBe(201);
    expect((await scim("POST", "/Users", user)).status).toBe(409);
    const status = await browser.call("GET", "/portal/api/status");
    expect(status.status).toBe(200);
    expect(status.body.hour.byOutcome.success).toBeGreaterThanOrEqual(1);
    expect(status.body.hour.byOutcome.clientError).toBeGreaterThanOrEqual(1);
    expect(status.body.hour.buckets.length).toBeGreaterThanOrEqual(12);
    expect(status.body.day.buckets.length).toBeGreaterThanOrEqual(24);
    expect(status.body.lastFailures[0]).toEqual(
      expect.objectContaining({
        status: 409,
        request: "POST /Users",
        scimType: "uniqueness",
        fix: expect.stringContaining("userName"),
      }),
    );
    // The revoked token's 401 above is a credential failure of this tenant's: Entra quarantines for those.
    expect(status.body.outlook).toEqual({
      status: "quarantine likely",
      reasons: expect.arrayContaining([expect.stringContaining("credential failures (401/403)")]),
    });
  });

  it("pages the audit trail, naming the portal session as the actor of its changes", async () => {
    const first = await browser.call("GET", "/portal/api/audit?count=2");
    expect(first.status).toBe(200);
    expect(first.body.records).toHaveLength(2);
    expect(typeof first.body.next).toBe("string");
    const second = await browser.call(
      "GET",
      `/portal/api/audit?count=2&cursor=${encodeURIComponent(first.body.next)}`,
    );
    expect(second.body.records).toHaveLength(2);
    expect(second.body.records[0].time <= first.body.records[1].time).toBe(true);
    const all = await browser.call("GET", "/portal/api/audit?count=100");
    const actions = all.body.records.map((record: { action: string }) => record.action);
    expect(actions).toEqual(
      expect.arrayContaining(["setupLinkCreated", "setupLinkUsed", "portalAction", "create"]),
    );
    const portalActor = all.body.records.find(
      (record: { action: string }) => record.action === "portalAction",
    ).actor;
    expect(portalActor).toMatch(/^portal session [0-9a-f]{16}$/);
  });

  it("turns debug mode on for a while and off", async () => {
    expect((await browser.call("GET", "/portal/api/debug")).body).toEqual({
      enabled: false,
      expiresAt: null,
    });
    const on = await browser.call("PUT", "/portal/api/debug", { enabled: true, minutes: 10 });
    expect(on.body).toEqual({ enabled: true, expiresAt: expect.any(String) });
    const minutesLeft = (Date.parse(on.body.expiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(8);
    expect(minutesLeft).toBeLessThanOrEqual(10);
    expect((await browser.call("PUT", "/portal/api/debug", { enabled: false })).body.enabled).toBe(false);
  });

  it("adds, tests, lists deliveries of and removes a webhook, and creates and revokes an app key", async () => {
    const added = await browser.call("POST", "/portal/api/webhooks", { url: "http://127.0.0.1:9/hook" });
    expect(added.status).toBe(201);
    expect(added.body.secret).toMatch(/^whsec_/);
    const listed = await browser.call("GET", "/portal/api/webhooks");
    expect(listed.body).toEqual([expect.objectContaining({ id: added.body.id })]);
    expect(listed.text).not.toContain(added.body.secret);
    const tested = await browser.call("POST", `/portal/api/webhooks/${added.body.id}/test`);
    expect(tested.status).toBe(202);
    expect(tested.body.queued).toBe(1);
    expect((await browser.call("GET", `/portal/api/webhooks/${added.body.id}/deliveries`)).status).toBe(200);
    expect((await browser.call("DELETE", `/portal/api/webhooks/${added.body.id}`)).status).toBe(204);
    const key = await browser.call("POST", "/portal/api/app-keys", { name: "crm" });
    expect(key.status).toBe(201);
    expect(key.body.appKey).toMatch(/^scimapp_/);
    expect((await browser.call("DELETE", `/portal/api/app-keys/${key.body.keyId}`)).status).toBe(204);
    expect((await browser.call("GET", "/portal/api/app-keys")).body).toEqual([
      expect.objectContaining({ keyId: key.body.keyId, status: "revoked" }),
    ]);
  });
});
