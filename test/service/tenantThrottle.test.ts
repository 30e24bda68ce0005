import { TenantThrottle, TooManyRequestsError, type ThrottleOptions } from "../../src/service/tenantThrottle";
import { manualClock } from "../tenants/tenantTables";
import { scimClient, startTestHost, type TestHost } from "../support/testServices";

/** A throttle on a clock the test moves, and the clock. */
function throttleOnClock(options: Omit<ThrottleOptions, "clock">) {
  const clock = manualClock();
  return { clock, throttle: new TenantThrottle({ ...options, clock: clock.now }) };
}

describe("per-tenant token bucket", () => {
  it("lets a burst through, then paces the rest at the rate, then refuses and says when to come back", () => {
    const { clock, throttle } = throttleOnClock({
      ratePerSecond: 10,
      burst: 5,
      maxQueued: 3,
      maxWaitMs: 5000,
    });
    const waits = Array.from({ length: 8 }, () => throttle.admit("a"));
    // The burst starts at once; the next three wait for their turns, one every 100 ms.
    expect(waits).toEqual([0, 0, 0, 0, 0, 100, 200, 300]);
    expect(() => throttle.admit("a")).toThrow(
      expect.objectContaining({ status: 429, retryAfterSeconds: 1 }) as Error,
    );
    // Another tenant has its own bucket.
    expect(throttle.admit("b")).toBe(0);
    // A turn frees up every 100 ms: one more may book, at the back of the line.
    clock.advance(100);
    expect(throttle.admit("a")).toBe(300);
    expect(() => throttle.admit("a")).toThrow(TooManyRequestsError);
    clock.advance(60_000);
    expect(Array.from({ length: 5 }, () => throttle.admit("a"))).toEqual([0, 0, 0, 0, 0]);
  });

  it("books no turn further away than the longest wait", () => {
    const { throttle } = throttleOnClock({
      ratePerSecond: 10,
      burst: 1,
      maxQueued: 64,
      maxWaitMs: 500,
    });
    expect(Array.from({ length: 6 }, () => throttle.admit("a"))).toEqual([0, 100, 200, 300, 400, 500]);
    expect(() => throttle.admit("a")).toThrow(TooManyRequestsError);
  });

  it("without a queue, refuses as soon as the burst is spent", () => {
    const { clock, throttle } = throttleOnClock({ ratePerSecond: 10, burst: 5 });
    for (let i = 0; i < 5; i += 1) expect(throttle.admit("a")).toBe(0);
    expect(() => throttle.admit("a")).toThrow(TooManyRequestsError);
    clock.advance(100);
    expect(throttle.admit("a")).toBe(0);
    expect(() => throttle.admit("a")).toThrow(
      expect.objectContaining({ status: 429, retryAfterSeconds: 1 }) as Error,
    );
  });

  it("refuses early only once the tenant's own admitted requests booked every turn, taking nothing", () => {
    const { clock, throttle } = throttleOnClock({
      ratePerSecond: 1,
      burst: 2,
      maxQueued: 1,
      maxWaitMs: 5000,
    });
    // No bucket yet (no authenticated request): nothing to refuse, and nothing is made.
    for (let i = 0; i < 10; i += 1) throttle.refuseIfFull("a");
    const buckets = (throttle as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBe(0);
    expect(throttle.admit("a")).toBe(0);
    throttle.refuseIfFull("a");
    expect(throttle.admit("a")).toBe(0);
    // A turn is left to book: not refused early.
    throttle.refuseIfFull("a");
    expect(throttle.admit("a")).toBe(1000);
    expect(() => {
      throttle.refuseIfFull("a");
    }).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 1 }) as Error);
    // A refusal takes no turn: a second later exactly one request books one again.
    clock.advance(1000);
    throttle.refuseIfFull("a");
    expect(throttle.admit("a")).toBe(1000);
    expect(() => throttle.admit("a")).toThrow(TooManyRequestsError);
  });

  it("is off at rate 0, and keeps memory bounded under made-up tenants", () => {
    const off = new TenantThrottle({ ratePerSecond: 0, burst: 1 });
    for (let i = 0; i < 100; i += 1) expect(off.admit("a")).toBe(0);
    const { throttle } = throttleOnClock({ ratePerSecond: 1, burst: 1 });
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
      // Three at once, then two paced (one a second), then 429.
      { THROTTLE_REQUESTS_PER_SECOND: "1", THROTTLE_BURST: "3", THROTTLE_MAX_QUEUED: "2" },
      (_level, ...args) => {
        logs.push(args.map(String).join(" "));
      },
    );
  });
  afterAll(() => harness.close());

  it("paces a busy tenant, then answers 429 with Retry-After and a SCIM error, changes nothing, and leaves other tenants alone", async () => {
    const busy = await harness.createTenant("busy");
    const quiet = await harness.createTenant("quiet");
    const scim = scimClient(busy);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => scim("POST", "/Users", { userName: `u${i}@x.com` })),
    );
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    // The requests past the burst waited for their turn and were answered, each saying so in its log line.
    const lineOf = (answer: (typeof answers)[number]) =>
      JSON.parse(
        logs.find((line) => line.includes(String(answer.headers.get("x-correlation-id")))) ?? "{}",
      ) as { status?: number; pacedMs?: number };
    const paced = answers.map(lineOf).filter((line) => line.pacedMs !== undefined);
    expect(paced.length).toBeGreaterThanOrEqual(2);
    for (const line of paced)
      expect(line).toMatchObject({ status: 201, pacedMs: expect.any(Number) as number });
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
