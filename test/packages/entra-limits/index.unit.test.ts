import { QUARANTINE_RULES } from "entra-provisioning-limits";
import { brokenQuarantineRules, type PeriodSummary } from "../../../src/diagnostics/summary";
import { forecastQuarantine, type QuarantineInput } from "../../../packages/entra-replay/src/quarantine";

/** A day of traffic as the connector's summary counts it. */
function day(events: number, failures: number, referenceFailures = 0): PeriodSummary {
  return {
    requests: events + referenceFailures,
    failures: failures + referenceFailures,
    referenceFailures,
    throttled: 0,
    unsupported: 0,
    byStatus: {},
    unauthenticated: 0,
  };
}

/** The same traffic as the replay's forecast counts it. */
function replay(events: number, failures: number, referenceFailures = 0): QuarantineInput {
  return {
    events,
    failures,
    referenceEvents: referenceFailures,
    referenceFailures,
    credentialProblems: [],
    complianceProblems: [],
  };
}

describe("Entra's quarantine limits, one source for the connector and the replay", () => {
  it("holds Microsoft's published numbers, frozen", () => {
    expect(QUARANTINE_RULES).toEqual({
      minimumFailures: 5_000,
      failureShare: 0.4,
      maximumFailures: 40_000,
      absoluteCap: 60_000,
    });
    expect(Object.isFrozen(QUARANTINE_RULES)).toBe(true);
  });

  it.each([
    ["at the failure floor with a share above the limit", 10_000, QUARANTINE_RULES.minimumFailures, 0, true],
    ["one failure below the floor", 10_000, QUARANTINE_RULES.minimumFailures - 1, 0, false],
    ["at the failure count limit, share below", 1_000_000, QUARANTINE_RULES.maximumFailures, 0, false],
    ["one failure above the count limit", 1_000_000, QUARANTINE_RULES.maximumFailures + 1, 0, true],
    ["reference failures alone at the cap", 1_000_000, 0, QUARANTINE_RULES.absoluteCap, false],
    ["reference failures one above the cap", 1_000_000, 0, QUARANTINE_RULES.absoluteCap + 1, true],
  ])("the outlook and the forecast agree: %s", (_case, events, failures, references, quarantined) => {
    expect(brokenQuarantineRules(day(events, failures, references)).length > 0).toBe(quarantined);
    expect(forecastQuarantine(replay(events, failures, references)).quarantined).toBe(quarantined);
  });
});
