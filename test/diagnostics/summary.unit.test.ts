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
});
