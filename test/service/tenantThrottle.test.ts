import { TenantThrottle, TooManyRequestsError } from "../../src/service/tenantThrottle";
import { manualClock } from "../tenants/tenantTables";
import { scimClient, startTestHost, type TestHost } from "../support/testServices";

describe("per-tenant token bucket", () => {
  it("lets a burst through, then the rate, and says when to come back", () => {
    const clock = manualClock();
    const throttle = new TenantThrottle({ ratePerSecond: 10, burst: 5, clock: clock.now });
    for (let i = 0; i < 5; i += 1) throttle.admit("a");
    expect(() => {
      throttle.admit("a");
    }).toThrow(TooManyRequestsError);
    // Another tenant has its own bucket.
    throttle.admit("b");
    clock.advance(100);
    throttle.admit("a");
    expect(() => {
      throttle.admit("a");
    }).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 1 }));
    clock.advance(60_000);
    for (let i = 0; i < 5; i += 1) throttle.admit("a");
  });

  it("refuses early only once the tenant's own admitted requests emptied its bucket, taking nothing", () => {
    const clock = manualClock();
    const throttle = new TenantThrottle({ ratePerSecond: 1, burst: 2, clock: clock.now });
    // No bucket yet (no authenticated request): nothing to refuse, and nothing is made.
    for (let i = 0; i < 10; i += 1) throttle.refuseIfEmpty("a");
    const buckets = (throttle as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBe(0);
    throttle.admit("a");
    throttle.refuseIfEmpty("a");
    throttle.admit("a");
    expect(() => {
      throttle.refuseIfEmpty("a");
    }).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 1 }));
    // A refusal takes no token: a second later exactly one request is admitted again.
    clock.advance(1000);
    throttle.refuseIfEmpty("a");
    throttle.admit("a");
    expect(() => {
      throttle.admit("a");
    }).toThrow(TooManyRequestsError);
  });

  it("is off at rate 0, and keeps memory bounded under made-up tenants", () => {
    const off = new TenantThrottle({ ratePerSecond: 0, burst: 1 });
    for (let i = 0; i < 100; i += 1) off.admit("a");
    const clock = manualClock();
    const throttle = new TenantThrottle({ ratePerSecond: 1, burst: 1, clock: clock.now });
    for (let i = 0; i < 25_000; i += 1) throttle.admit(`t${i}`);
    const buckets = (throttle as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBeLessThanOrEqual(10_000);
  });
});

describe("429 over HTTP", () => {
  let harness: TestHost;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost(
      { THROTTLE_REQUESTS_PER_SECOND: "1", THROTTLE_BURST: "3" },
      (_level, ...args) => {
        logs.push(args.map(String).join(" "));
      },
    );
  });
  afterAll(() => harness.close());

  it("answers 429 with Retry-After and a SCIM error, changes nothing, and leaves other tenants alone", async () => {
    const busy = await harness.createTenant("busy");
    const quiet = await harness.createTenant("quiet");
    const scim = scimClient(busy);
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await scim("POST", "/Users", { userName: `u${i}@x.com` }));
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(throttled[0]?.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    // Each refusal's body (made once, joined with the request's id) names its own correlation id.
    for (const answer of throttled) {
      const correlationId = String(answer.headers.get("x-correlation-id"));
      expect(answer.body).toEqual({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: "429",
        detail: `Too many requests for this tenant; retry after ${String(answer.headers.get("retry-after"))} seconds. (correlation id ${correlationId})`,
      });
      expect(answer.headers.get("content-type")).toBe("application/scim+json");
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
    expect(new Set(throttled.map((answer) => answer.headers.get("x-correlation-id"))).size).toBe(
      throttled.length,
    );
    const created = answers.filter((answer) => answer.status === 201).length;
    // What was refused was not stored: the tenant holds exactly the users answered 201.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const listed = await scim("GET", "/Users?count=0");
    expect(listed.body.totalResults).toBe(created);
    expect((await scimClient(quiet)("GET", "/Users")).status).toBe(200);
    expect(logs.some((line) => line.includes('"status":429') && line.includes(busy.tenantId))).toBe(true);
    const summary = await harness.services.requestStats.summary(busy.tenantId);
    expect(summary.lastHour.throttled).toBe(throttled.length);
    expect(summary.lastHour.failures).toBe(0);
    expect(summary.outlook.status).toBe("healthy");
  });

  it("counts a member that is no user or group as a reference failure", async () => {
    const tenant = await harness.createTenant("ref");
    const scim = scimClient(tenant);
    const group = await scim("POST", "/Groups", { displayName: "g" });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const patch = await scim("PATCH", `/Groups/${group.body.id as string}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Add", path: "members", value: [{ value: "no-such-user" }] }],
    });
    expect([patch.status, patch.body.scimType]).toEqual([400, "invalidValue"]);
    const summary = await harness.services.requestStats.summary(tenant.tenantId);
    expect(summary.lastHour).toMatchObject({ failures: 1, referenceFailures: 1 });
    expect(summary.lastFailure).toMatchObject({ status: 400, reference: true });
  });
});
