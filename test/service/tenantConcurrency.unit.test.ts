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

  it("refuses a queued request with 429 once it has waited maxWaitMs, and hands no slot to it later", async () => {
    jest.useFakeTimers();
    try {
      const slots = new TenantConcurrency({ maxInFlight: 1, maxQueued: 2, maxWaitMs: 1000 });
      const first = slots.enter("a") as ReleaseSlot;
      const early = Promise.resolve(slots.enter("a"));
      const outcome = early.then(
        () => "admitted",
        (error: unknown) => error,
      );
      jest.advanceTimersByTime(500);
      const late = Promise.resolve(slots.enter("a"));
      expect(slots.load("a")).toEqual({ inFlight: 1, queued: 2 });
      jest.advanceTimersByTime(500);
      expect(await outcome).toMatchObject({ status: 429, retryAfterSeconds: 1 });
      expect(slots.load("a")).toEqual({ inFlight: 1, queued: 1 });
      // The freed slot goes to the request still waiting, whose own wait is not over.
      first();
      const handed = await late;
      expect(slots.load("a")).toEqual({ inFlight: 1, queued: 0 });
      jest.advanceTimersByTime(5000);
      handed();
      expect(slots.load("a")).toEqual({ inFlight: 0, queued: 0 });
    } finally {
      jest.useRealTimers();
    }
  });

  it("is off at maxInFlight 0", () => {
    const slots = new TenantConcurrency({ maxInFlight: 0, maxQueued: 0 });
    for (let i = 0; i < 1000; i += 1) expect(typeof slots.enter("a")).toBe("function");
    expect(slots.load("a")).toEqual({ inFlight: 0, queued: 0 });
  });
});
