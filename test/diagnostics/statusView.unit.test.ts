import { outcomeOf, statusView } from "../../src/diagnostics/statusView";
import { summarise } from "../../src/diagnostics/summary";
import type { WindowStats } from "../../src/diagnostics/stats";

const NOW = new Date("2026-11-29T12:02:00.000Z");

function window(minutesAgo: number, byStatus: Record<string, number>, failure?: WindowStats["lastFailure"]) {
  const start = new Date(Math.floor((NOW.getTime() - minutesAgo * 60_000) / 300_000) * 300_000);
  const requests = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  return { window: start.toISOString(), requests, byStatus, ...(failure ? { lastFailure: failure } : {}) };
}

describe("the portal's status view", () => {
  it("counts requests by outcome in 5-minute bars for the hour and hourly bars for the day", () => {
    const windows: WindowStats[] = [
      window(1, { "200": 5, "201": 2, "404": 1 }),
      window(
        30,
        { "409": 1, "429": 3 },
        { time: "2026-11-29T11:33:00.000Z", status: 409, scimType: "uniqueness" },
      ),
      window(5 * 60, { "503": 2 }, { time: "2026-11-29T07:03:00.000Z", status: 503 }),
    ];
    const view = statusView(summarise("t", windows, NOW), windows, NOW);
    expect(view.hour.total).toBe(12);
    expect(view.hour.byOutcome).toEqual({
      success: 7,
      notFound: 1,
      throttled: 3,
      clientError: 1,
      serverError: 0,
    });
    expect(view.hour.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(12);
    expect(view.hour.buckets.at(-1)?.total).toBe(8);
    expect(view.day.total).toBe(14);
    expect(view.day.byOutcome.serverError).toBe(2);
    expect(view.day.buckets.length).toBeGreaterThanOrEqual(24);
    expect(view.lastFailures.map((failure) => failure.status)).toEqual([409, 503]);
    expect(view.lastFailures[0]?.fix).toMatch(/userName/);
  });

  it("names each status's outcome", () => {
    expect([200, 204, 304, 404, 429, 400, 401, 409, 500, 503].map(outcomeOf)).toEqual([
      "success",
      "success",
      "success",
      "notFound",
      "throttled",
      "clientError",
      "clientError",
      "clientError",
      "serverError",
      "serverError",
    ]);
  });
});
