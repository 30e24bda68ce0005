import type { Exchange, RequestKind } from "../../../packages/entra-replay/src/client";
import {
  forecastQuarantine,
  quarantineInput,
  type QuarantineInput,
} from "../../../packages/entra-replay/src/quarantine";

const clean: QuarantineInput = {
  events: 0,
  failures: 0,
  referenceEvents: 0,
  referenceFailures: 0,
  credentialProblems: [],
  complianceProblems: [],
};

describe("the quarantine forecast (Entra's quarantine rules)", () => {
  it("is not quarantined when nothing fails", () => {
    const forecast = forecastQuarantine({ ...clean, events: 100, referenceEvents: 20 });
    expect(forecast.quarantined).toBe(false);
    expect(forecast.quarantinedAtScale).toBe(false);
    expect(forecast.verdict).toBe("not quarantined");
  });

  it("follows the published examples: 30,000 failed + 5,000 succeeded quarantines, 20,000 + 100,000 does not", () => {
    const bad = forecastQuarantine({ ...clean, events: 35_000, failures: 30_000 });
    expect(bad.quarantined).toBe(true);
    expect(bad.reason).toBe("EncounteredEscrowProportionThreshold");
    const fine = forecastQuarantine({ ...clean, events: 120_000, failures: 20_000 });
    expect(fine.quarantined).toBe(false);
  });

  it("needs at least 5,000 failures before the share counts, and flags the share at scale", () => {
    const small = forecastQuarantine({ ...clean, events: 100, failures: 50 });
    expect(small.quarantined).toBe(false);
    expect(small.quarantinedAtScale).toBe(true);
    expect(small.verdict).toContain("AT SCALE");
    expect(forecastQuarantine({ ...clean, events: 12_000, failures: 5_000 }).quarantined).toBe(true);
    expect(forecastQuarantine({ ...clean, events: 12_600, failures: 5_000 }).quarantined).toBe(false);
  });

  it("quarantines above 40,000 failures whatever the share, and at 60,000 including reference failures", () => {
    expect(forecastQuarantine({ ...clean, events: 1_000_000, failures: 40_001 }).quarantined).toBe(true);
    expect(forecastQuarantine({ ...clean, events: 1_000_000, failures: 40_000 }).quarantined).toBe(false);
    const references = forecastQuarantine({
      ...clean,
      events: 1_000_000,
      failures: 30_000,
      referenceEvents: 100_000,
      referenceFailures: 30_001,
    });
    expect(references.quarantined).toBe(true);
  });

  it("excludes reference failures from the share", () => {
    const forecast = forecastQuarantine({
      ...clean,
      events: 10_000,
      failures: 0,
      referenceEvents: 10_000,
      referenceFailures: 10_000,
    });
    expect(forecast.quarantined).toBe(false);
    expect(forecast.quarantinedAtScale).toBe(false);
  });

  it("quarantines at once on credential or compliance failures, whatever the counts", () => {
    const forecast = forecastQuarantine({ ...clean, events: 1000, failures: 1, credentialProblems: ["401"] });
    expect(forecast.quarantined).toBe(true);
    expect(forecast.reason).toBe("EncounteredQuarantineException");
  });
});

let seq = 0;
function exchange(kind: RequestKind, method: string, path: string, status: number, error?: string): Exchange {
  seq += 1;
  return { seq, kind, method, path, status, responseText: "", latencyMs: 1, ...(error ? { error } : {}) };
}

describe("counting what the replay saw", () => {
  it("turns 401 and 404-instead-of-200 into immediate problems; ignores negative checks and clean-up", () => {
    const exchanges = [
      exchange("probe", "GET", "/Users?filter=userName+eq+%22x%22", 404),
      exchange("provisioning", "POST", "/Users", 401),
      exchange("negative", "GET", "/Users/unknown", 404),
      exchange("negative", "GET", "/Users?filter=x", 401),
      exchange("cleanup", "DELETE", "/Users/1", 500),
      exchange("reference", "PATCH", "/Groups/1", 500),
      exchange("provisioning", "GET", "/Users/1", 404),
    ];
    const failed = new Set([exchanges[0]!.seq, exchanges[6]!.seq]);
    const input = quarantineInput(exchanges, failed);
    expect(input.events).toBe(3);
    expect(input.failures).toBe(3);
    expect(input.referenceEvents).toBe(1);
    expect(input.referenceFailures).toBe(1);
    expect(input.credentialProblems).toEqual(["POST /Users → HTTP 401"]);
    expect(input.complianceProblems).toEqual([
      "GET /Users?filter=userName+eq+%22x%22 → HTTP 404 instead of 200 with an empty ListResponse",
    ]);
  });

  it("counts a timeout as a failed event but a refused connection as a connection problem", () => {
    const input = quarantineInput(
      [
        exchange("provisioning", "POST", "/Users", 0, "no response within 60000 ms"),
        exchange("provisioning", "POST", "/Users", 0, "connect ECONNREFUSED 127.0.0.1:1"),
      ],
      new Set(),
    );
    expect(input.failures).toBe(2);
    expect(input.credentialProblems).toEqual(["POST /Users → connect ECONNREFUSED 127.0.0.1:1"]);
  });
});
