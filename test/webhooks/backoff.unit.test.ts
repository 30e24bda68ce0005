import { MAX_ATTEMPTS, retryDelaySeconds, retryWindowSeconds } from "../../src/webhooks/backoff";

describe("delivery retry schedule", () => {
  it("grows exponentially and spans more than 3 days", () => {
    const delays = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, index) =>
      retryDelaySeconds(index + 1, () => 0.5),
    );
    expect(delays[0]).toBe(30);
    for (let index = 1; index < delays.length; index += 1) {
      expect(delays[index]).toBeGreaterThanOrEqual(delays[index - 1] ?? 0);
    }
    expect(retryWindowSeconds()).toBeGreaterThan(3 * 24 * 60 * 60);
    expect(retryDelaySeconds(MAX_ATTEMPTS)).toBeUndefined();
  });

  it("spreads each delay by at most 10 %", () => {
    expect(retryDelaySeconds(1, () => 0)).toBe(27);
    expect(retryDelaySeconds(1, () => 1)).toBe(33);
  });
});
