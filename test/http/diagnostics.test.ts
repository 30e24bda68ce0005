import { purgeExpired } from "../../src/diagnostics/retention";
import { hashToken } from "../../src/tenants/tokens";
import { runTenantCli, tenantCliOutput } from "../support/tenantCli";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const ADMIN_TOKEN = "scimadm_test-admin-token";

describe("diagnostics: health, admin endpoints, request summary, debug mode", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({ ADMIN_TOKEN_SHA256: hashToken(ADMIN_TOKEN) }, (_level, ...args) => {
      logs.push(args.map(String).join(" "));
    });
    tenant = await harness.createTenant("diag");
    scim = scimClient(tenant);
  });

  afterAll(() => harness.close());

  const admin = (path: string, token = ADMIN_TOKEN) =>
    fetch(`${harness.host.origin}/ops/tenants/${tenant.tenantId}/${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });

  it("reports storage and credential-store reachability at /health, without auth", async () => {
    const health = await fetch(`${harness.host.origin}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe("ok");
    expect(body.checks.storage?.ok).toBe(true);
    expect(body.checks.credentials?.ok).toBe(true);
    expect(JSON.stringify(body)).not.toContain(tenant.tenantId);
  });

  it("protects the admin endpoints with the admin token, not a tenant's token", async () => {
    expect((await admin("audit", tenant.token)).status).toBe(401);
    expect((await admin("audit", "wrong")).status).toBe(401);
    expect((await admin("audit")).status).toBe(200);
  });

  it("summarises requests and failures; a failed request is visible there but leaves no audit record", async () => {
    await scim("POST", "/Users", { userName: "one@x.com" });
    const conflict = await scim("POST", "/Users", { userName: "ONE@x.com" });
    expect(conflict.status).toBe(409);
    await scim("GET", "/Users?filter=bogus+eq+%22x%22");
    const summary = (await (await admin("summary")).json()) as any;
    expect(summary.lastHour.byStatus).toMatchObject({ "201": 1, "409": 1, "400": 1 });
    expect(summary.lastHour.failures).toBe(2);
    expect(summary.lastFailure).toMatchObject({ status: 400, scimType: "invalidFilter" });
    expect(summary.outlook.status).toBe("at risk");
    const audit = (await (await admin("audit?since=1h")).json()) as any;
    expect(audit.records.map((record: { operation: string }) => record.operation)).toEqual(["create"]);
    const line = logs.find((entry) => entry.includes('"status":409'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      event: "scim.request",
      tenantId: tenant.tenantId,
      scimType: "uniqueness",
    });
  });

  it("logs masked bodies only while the tenant's debug mode is on", async () => {
    await tenantCliOutput(harness.services, "debug", tenant.tenantId, "--minutes", "5");
    const debugged = await harness.createTenant("debug");
    // The cached debug flag of a tenant not seen before is read on its first request.
    await harness.services.tenants.setDebugUntil(debugged.tenantId, new Date(Date.now() + 60_000));
    await scimClient(debugged)("POST", "/Users", { userName: "secretive@x.com", password: "hunter2" });
    const debugLine = logs.find(
      (entry) => entry.includes('"scim.debug"') && entry.includes(debugged.tenantId),
    );
    expect(debugLine).toBeDefined();
    expect(debugLine).toContain("secretive@x.com");
    expect(debugLine).not.toContain("hunter2");
    expect(logs.join("\n")).not.toContain(debugged.token);
    const quiet = await harness.createTenant("quiet");
    await scimClient(quiet)("POST", "/Users", { userName: "plain@x.com" });
    expect(logs.some((entry) => entry.includes('"scim.debug"') && entry.includes(quiet.tenantId))).toBe(
      false,
    );
  });

  it("prints the audit trail and summary from the CLI", async () => {
    const services = harness.services;
    const text = await tenantCliOutput(services, "audit", tenant.tenantId, "--since", "1h");
    expect(text).toMatch(/create\s+User .* userName: null → "one@x\.com"/);
    const summary = JSON.parse(await tenantCliOutput(services, "summary", tenant.tenantId, "--json"));
    expect(summary.tenantId).toBe(tenant.tenantId);
    const token = JSON.parse(await tenantCliOutput(services, "admin-token", "--json"));
    expect(hashToken(token.token)).toBe(token.sha256);
    const unknown = await runTenantCli(services, "audit", "no-such-tenant");
    expect(unknown).toMatchObject({ code: 3, stdout: "" });
    expect(unknown.stderr).toBe(
      "Tenant 'no-such-tenant' does not exist. 'npm run tenant -- list' shows the tenants.",
    );
  });

  it("expires audit records past the retention for every tenant in one pass", async () => {
    const services = harness.services;
    const before = (await services.auditLog.list(tenant.tenantId, { limit: 100 })).records.length;
    expect(before).toBeGreaterThan(0);
    const later = new Date(Date.now() + 31 * 24 * 60 * 60 * 1000);
    const purged = await purgeExpired(services.tenants, services.auditLog, services.statsStore, 30, later);
    expect(purged).toBeGreaterThanOrEqual(before);
    expect((await services.auditLog.list(tenant.tenantId, { limit: 100 })).records).toEqual([]);
  });
});
