import { randomUUID } from "node:crypto";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

/** Requests anyone can send to a tenant's URL: no token, made-up tokens, another tenant's token. */
async function forgedRequests(harness: TestHost, tenant: TestTenant, count: number): Promise<number[]> {
  const other = await harness.createTenant("other");
  const bearers = [
    undefined,
    other.token,
    ...Array.from({ length: count - 2 }, () => `scim_${randomUUID()}`),
  ];
  return Promise.all(
    bearers.map(async (bearer) => {
      const response = await fetch(`${tenant.tenantUrl}/Users`, {
        method: "POST",
        headers: {
          "Content-Type": "application/scim+json",
          ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
        },
        body: JSON.stringify({ userName: "forged-marker@x.com", password: "forged-marker" }),
      });
      await response.text();
      return response.status;
    }),
  );
}

describe("the SCIM endpoint counts only a tenant's own traffic as its failures", () => {
  let harness: TestHost;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, ...args) => logs.push(args.map(String).join(" ")));
  });
  afterAll(() => harness.close());

  it("keeps 60 forged requests out of the tenant's outlook and status counts, and counts them apart", async () => {
    const tenant = await harness.createTenant("forged");
    expect(await scimClient(tenant)("GET", "/Users")).toMatchObject({ status: 200 });
    const statuses = await forgedRequests(harness, tenant, 60);
    expect(statuses).toEqual(Array.from({ length: 60 }, () => 401));
    const summary = await harness.services.requestStats.summary(tenant.tenantId);
    expect(summary.lastHour).toMatchObject({
      requests: 1,
      failures: 0,
      byStatus: { "200": 1 },
      unauthenticated: 60,
    });
    expect(summary.outlook.status).toBe("healthy");
    expect(summary.outlook.reasons.join(" ")).toContain("60 requests in the last hour had no credential");
  });

  it("still counts the tenant's own refused credential (a revoked token) toward quarantine", async () => {
    const tenant = await harness.createTenant("revoked");
    await harness.services.tenants.rotate(tenant.tenantId, 0);
    expect(await scimClient(tenant)("GET", "/Users")).toMatchObject({ status: 401 });
    const summary = await harness.services.requestStats.summary(tenant.tenantId);
    expect(summary.lastHour).toMatchObject({ byStatus: { "401": 1 }, unauthenticated: 0 });
    expect(summary.outlook.status).toBe("quarantine likely");
  });

  it("counts requests to made-up tenant ids nowhere, and logs them as unauthenticated", async () => {
    await harness.services.requestStats.flush();
    const before = harness.services.requestStats.pendingTenants;
    const ids = Array.from({ length: 50 }, () => `made-up-${randomUUID().slice(0, 8)}`);
    logs.length = 0;
    for (const id of ids) {
      const response = await fetch(`${harness.host.origin}/scim/v2/${id}/Users`, {
        headers: { Authorization: `Bearer scim_${randomUUID()}` },
      });
      expect(response.status).toBe(401);
    }
    expect(harness.services.requestStats.pendingTenants).toBe(before);
    const lines = logs.filter((line) => line.includes('"scim.request"')).map((line) => JSON.parse(line));
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(line).toMatchObject({ status: 401, unauthenticated: true });
  });

  it("never logs the body of an unauthenticated request, even in debug mode", async () => {
    const tenant = await harness.createTenant("debug");
    await harness.services.tenants.setDebugUntil(tenant.tenantId, new Date(Date.now() + 60_000));
    logs.length = 0;
    await forgedRequests(harness, tenant, 3);
    expect(logs.join("\n")).not.toContain("forged-marker");
    // The tenant's own requests are still logged in debug mode.
    await scimClient(tenant)("POST", "/Users", { userName: "own-marker@x.com" });
    expect(logs.filter((line) => line.includes('"scim.debug"')).join("\n")).toContain("own-marker@x.com");
  });
});
