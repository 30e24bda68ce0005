import { randomUUID } from "node:crypto";
import { scimClient, startTestHost, type TestHost } from "../support/testServices";

/**
 * Nothing in src/ keeps services in a module variable: each host is built from its own configuration
 * by the composition root, so two hosts over different storage can run side by side in one process.
 */
describe("two hosts in one process", () => {
  const logs: Record<"a" | "b", string[]> = { a: [], b: [] };
  let hostA: TestHost;
  let hostB: TestHost;

  beforeAll(async () => {
    // Different tables (as two deployments with different prefixes would have), one jest process.
    const run = randomUUID().replace(/-/g, "").slice(0, 8);
    hostA = await startTestHost(
      { RESOURCES_TABLE: `hostares${run}`, TENANTS_TABLE: `hostaten${run}` },
      (_l, ...args) => logs.a.push(args.map(String).join(" ")),
    );
    hostB = await startTestHost(
      { RESOURCES_TABLE: `hostbres${run}`, TENANTS_TABLE: `hostbten${run}` },
      (_l, ...args) => logs.b.push(args.map(String).join(" ")),
    );
  });
  afterAll(async () => {
    await hostA.close();
    await hostB.close();
  });

  it("serve their own storage: the same tenant id holds different data and credentials in each", async () => {
    const tenantId = `twin-${randomUUID().slice(0, 8)}`;
    const tokenA = await hostA.services.tenants.create(tenantId);
    const tokenB = await hostB.services.tenants.create(tenantId);
    const inA = scimClient({
      tenantId,
      token: tokenA,
      tenantUrl: `${hostA.host.origin}/scim/v2/${tenantId}`,
    });
    const inB = scimClient({
      tenantId,
      token: tokenB,
      tenantUrl: `${hostB.host.origin}/scim/v2/${tenantId}`,
    });

    const created = await inA("POST", "/Users", { userName: "ada@contoso.com" });
    expect(created.status).toBe(201);
    expect((await inA("GET", "/Users")).body).toMatchObject({ totalResults: 1 });
    expect((await inB("GET", "/Users")).body).toMatchObject({ totalResults: 0 });
    expect((await inB("GET", `/Users/${(created.body as { id: string }).id}`)).status).toBe(404);
    // The same user name is free in B: its uniqueness index is B's own.
    expect((await inB("POST", "/Users", { userName: "ada@contoso.com" })).status).toBe(201);

    // A's token opens nothing at B's URL, though the tenant id is the same.
    const crossed = scimClient({
      tenantId,
      token: tokenA,
      tenantUrl: `${hostB.host.origin}/scim/v2/${tenantId}`,
    });
    expect((await crossed("GET", "/Users")).status).toBe(401);

    // Each host audited its own change only, and logged only its own requests.
    expect((await hostA.services.auditLog.list(tenantId, { limit: 10 })).records).toHaveLength(1);
    expect((await hostB.services.auditLog.list(tenantId, { limit: 10 })).records).toHaveLength(1);
    const correlationA = created.headers.get("x-correlation-id") ?? "";
    expect(logs.a.some((line) => line.includes(correlationA))).toBe(true);
    expect(logs.b.some((line) => line.includes(correlationA))).toBe(false);
  });
});

describe("a host that stops", () => {
  it("stops writing its request counts: a closed host's timer would keep writing them to storage every 30 s", async () => {
    const harness = await startTestHost();
    const timerOf = () => (harness.services.requestStats as unknown as { timer?: NodeJS.Timeout }).timer;
    const tenant = await harness.createTenant("stops");
    expect((await scimClient(tenant)("GET", "/Users?count=0")).status).toBe(200);
    expect(timerOf()).toBeDefined();
    await harness.close();
    expect(timerOf()).toBeUndefined();
  });
});
