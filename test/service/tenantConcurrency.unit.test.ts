import { TenantConcurrency, type ReleaseSlot } from "../../src/service/tenantConcurrency";
import { TooManyRequestsError } from "../../src/service/tenantThrottle";

async function settled<T>(promise: Promise<T>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("per-tenant in-flight cap", () => {
  it("runs at most maxInFlight of a tenant, queues maxQueued more, refuses the next with 429", async () => {
    const slots = new TenantConcurrency({ maxInFlight: 2, maxQueued: 1 });
    const first = await slots.enter("a");
    const second = await slots.enter("a");
    const third = Promise.resolve(slots.enter("a"));
    expect(await settled(third)).toBe(false);
    expect(slots.load("a")).toEqual({ inFlight: 2, queued: 1 });
    expect(() => slots.enter("a")).toThrow(TooManyRequestsError);
    expect(() => slots.enter("a")).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 1 }));
    // Another tenant is not behind the first one's queue.
    const other = slots.enter("b");
    expect(typeof other).toBe("function");
    expect(slots.load("b")).toEqual({ inFlight: 1, queued: 0 });
    // A slot ended is handed to the queued request; releasing twice frees nothing more.
    first();
    first();
    const handed = await third;
    expect(slots.load("a")).toEqual({ inFlight: 2, queued: 0 });
    second();
    handed();
    (other as ReleaseSlot)();
    expect(slots.load("a")).toEqual({ inFlight: 0, queued: 0 });
    // Nothing is kept for a tenant with nothing in flight.
    expect((slots as unknown as { tenants: Map<string, unknown> }).tenants.size).toBe(0);
  });

  it("is off at maxInFlight 0", () => {
    const slots = new TenantConcurrency({ maxInFlight: 0, maxQueued: 0 });
    for (let i = 0; i < 1000; i += 1) expect(typeof slots.enter("a")).toBe("function");
    expect(slots.load("a")).toEqual({ inFlight: 0, queued: 0 });
  });
});
