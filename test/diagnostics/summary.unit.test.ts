import {
  countRequest,
  openWindow,
  windowStart,
  windowStats,
  type WindowStats,
} from "../../src/diagnostics/stats";
import { summarise } from "../../src/diagnostics/summary";

const NOW = new Date("2026-11-28T12:00:00Z");

function window(minutesAgo: number, statuses: Record<number, number>): WindowStats {
  const timeMs = NOW.getTime() - minutesAgo * 60_000;
  const open = openWindow(windowStart(timeMs));
  for (const [status, count] of Object.entries(statuses)) {
    for (let index = 0; index < count; index += 1)
      countRequest(open, Number(status), timeMs, { detail: "d" });
  }
  return windowStats(open);
}

describe("tenant summary and quarantine outlook", () => {
  it("is healthy with successes, and does not count 404s as failures", () => {
    const summary = summarise("t", [window(5, { 200: 90, 201: 9, 404: 1 })], NOW);
    expect(summary.lastHour).toMatchObject({ requests: 100, failures: 0 });
    expect(summary.outlook).toEqual({ status: "healthy", reasons: [] });
    expect(summary.lastSuccess).toBeDefined();
  });

  it("warns at once for credential failures, as Entra quarantines for them at once", () => {
    const summary = summarise("t", [window(10, { 200: 50, 401: 1 })], NOW);
    expect(summary.outlook.status).toBe("quarantine likely");
    expect(summary.outlook.reasons[0]).toMatch(/401\/403/);
    expect(summary.lastFailure).toMatchObject({ status: 401 });
  });

  it("applies Entra's 40% / 5,000 / 40,000 thresholds over the day", () => {
    expect(summarise("t", [window(120, { 200: 10, 409: 10 })], NOW).outlook.status).toBe("at risk");
    expect(summarise("t", [window(120, { 200: 5000, 409: 6000 })], NOW).outlook.status).toBe(
      "quarantine likely",
    );
    expect(summarise("t", [window(120, { 200: 100_000, 400: 40_001 })], NOW).outlook.status).toBe(
      "quarantine likely",
    );
    expect(summarise("t", [window(120, { 200: 100_000, 400: 20_000 })], NOW).outlook.status).toBe("healthy");
  });

  it("keeps the last hour apart from the day, and ignores what is older than a day", () => {
    const summary = summarise(
      "t",
      [window(5, { 200: 1 }), window(180, { 500: 2 }), window(2000, { 500: 9 })],
      NOW,
    );
    expect(summary.lastHour).toMatchObject({ requests: 1, failures: 0 });
    expect(summary.lastDay).toMatchObject({ requests: 3, failures: 2 });
  });

  /** A day's counts, as every instance's windows add up to. */
  function day(counts: {
    ok?: number;
    failed?: number;
    reference?: number;
    throttled?: number;
  }): WindowStats {
    const { ok = 0, failed = 0, reference = 0, throttled = 0 } = counts;
    return {
      window: new Date(NOW.getTime() - 3 * 60 * 60_000).toISOString(),
      requests: ok + failed + reference + throttled,
      byStatus: { "200": ok, "409": failed, "400": reference, "429": throttled },
      referenceFailures: reference,
    };
  }
  const statusOf = (counts: Parameters<typeof day>[0]) => summarise("t", [day(counts)], NOW).outlook.status;

  it("evaluates the share from 5,000 failures on, and quarantines only above 40%", () => {
    // 4,999 failures of 9,999 events: 50%, but below the evaluation minimum.
    expect(statusOf({ ok: 5000, failed: 4999 })).toBe("at risk");
    expect(statusOf({ ok: 5000, failed: 5000 })).toBe("quarantine likely");
    // Exactly 40% is not "more than 40%".
    expect(statusOf({ ok: 7500, failed: 5000 })).toBe("healthy");
    expect(statusOf({ ok: 7499, failed: 5000 })).toBe("quarantine likely");
  });

  it("quarantines above 40,000 failures whatever the share", () => {
    expect(statusOf({ ok: 1_000_000, failed: 40_000 })).toBe("healthy");
    expect(statusOf({ ok: 1_000_000, failed: 40_001 })).toBe("quarantine likely");
    expect(summarise("t", [day({ ok: 1_000_000, failed: 40_001 })], NOW).outlook.reasons[0]).toMatch(
      /40,000/,
    );
  });

  it("leaves reference failures out of the 40% and 40,000 rules", () => {
    // 3,000 failures + 5,000 reference failures of 10,000: 80% and 8,000 if they counted.
    const share = summarise("t", [day({ ok: 2000, failed: 3000, reference: 5000 })], NOW);
    expect(share.lastDay).toMatchObject({ failures: 8000, referenceFailures: 5000 });
    expect(share.outlook.status).toBe("healthy");
    expect(statusOf({ ok: 1_000_000, failed: 30_000, reference: 25_000 })).toBe("healthy");
  });

  it("counts reference failures toward the absolute 60,000", () => {
    expect(statusOf({ ok: 1_000_000, failed: 40_000, reference: 20_000 })).toBe("healthy");
    const over = summarise("t", [day({ ok: 1_000_000, failed: 40_000, reference: 20_001 })], NOW);
    expect(over.outlook.status).toBe("quarantine likely");
    expect(over.outlook.reasons.join(" ")).toMatch(/60,000/);
    // Microsoft's example: 40,000 failed users and 21,000 failed manager updates.
    expect(statusOf({ ok: 1_000_000, failed: 40_000, reference: 21_000 })).toBe("quarantine likely");
  });

  it("counts 429s in the summary but never as failures or events", () => {
    const throttled = summarise("t", [day({ ok: 100, throttled: 50_000 })], NOW);
    expect(throttled.lastDay).toMatchObject({ requests: 50_100, failures: 0, throttled: 50_000 });
    expect(throttled.outlook.status).toBe("healthy");
    // 5,000 of 12,000 real events failed (41.7%); counted with the 429s it would be 4.5%.
    expect(statusOf({ ok: 7000, failed: 5000, throttled: 100_000 })).toBe("quarantine likely");
    const open = openWindow(windowStart(NOW.getTime()));
    countRequest(open, 429, NOW.getTime());
    expect(windowStats(open)).toMatchObject({ byStatus: { "429": 1 } });
    expect(windowStats(open).lastFailure).toBeUndefined();
    expect(summarise("t", [windowStats(open)], NOW).outlook.reasons.join(" ")).toMatch(/429/);
  });

  it("counts 501s (a feature not offered) apart: not failures, not server errors, not events", () => {
    const summary = summarise("t", [window(5, { 200: 2, 501: 8 })], NOW);
    expect(summary.lastHour).toMatchObject({ requests: 10, failures: 0, unsupported: 8 });
    expect(summary.lastFailure).toBeUndefined();
    expect(summary.outlook.status).toBe("healthy");
    expect(summary.outlook.reasons.join(" ")).not.toMatch(/server errors in the last hour/);
    expect(summary.outlook.reasons.join(" ")).toMatch(/8 requests .*\(501/);
    // A real server error beside them still counts, and alone.
    const failing = summarise("t", [window(5, { 200: 2, 501: 8, 503: 1 })], NOW);
    expect(failing.outlook.status).toBe("at risk");
    expect(failing.outlook.reasons.join(" ")).toMatch(/\b1 server errors in the last hour/);
    // 20 of 50 real events failed (40 %, not above); counted with the 501s the share would fall.
    expect(summarise("t", [window(120, { 200: 30, 409: 21, 501: 1000 })], NOW).outlook.status).toBe(
      "at risk",
    );
  });
});
