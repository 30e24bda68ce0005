import { startEnvironment, type BenchEnvironment } from "../../../tools/bench/environment";
import { measureWebhookIsolation } from "../../../tools/bench/webhooks";

describe("bench: SCIM writes beside a hanging webhook endpoint", () => {
  let env: BenchEnvironment;

  beforeAll(async () => {
    env = await startEnvironment({ storageConnectionString: process.env.STORAGE_CONNECTION_STRING ?? "" });
  });

  afterAll(() => env.close());

  it("times every setup, delivers to the healthy endpoint and holds few connections to the hanging one", async () => {
    const result = await measureWebhookIsolation(env, { requests: 24, concurrency: 4, rounds: 2 });
    expect(result.sides.map((side) => [side.setup, side.writes, side.errors, side.errorSamples])).toEqual([
      ["none", 24, 0, []],
      ["healthy", 24, 0, []],
      ["hanging", 24, 0, []],
    ]);
    expect(result.healthyDeliveries).toBeGreaterThan(0);
    expect(result.hangingConnections).toBeGreaterThan(0);
    expect(result.hangingConnections).toBeLessThanOrEqual(4);
    expect(result.hangingToHealthy).toBeGreaterThan(0);
    expect(result.hangingToNone).toBeGreaterThan(0);
    // The warm-up waited for the hanging endpoint's first timeout: it was paused before the timed rounds.
    expect(result.warmup.hangingPausedAfterMs).not.toBeNull();
    // Paused, the hanging endpoint's tenant queues nothing per write (at most a probe now and then),
    // where each write of the healthy one queues its notice share and a delivery.
    expect(result.queuedPerWrite.none).toBe(0);
    expect(result.queuedPerWrite.hanging).toBeLessThan(0.5);
    expect(result.queuedPerWrite.healthy).toBeGreaterThan(0);
  }, 120_000);
});
