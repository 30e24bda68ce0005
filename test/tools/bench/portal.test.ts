import { formatBench, targetChecks } from "../../../tools/bench/report";
import { QUICK, runBench, type BenchReport } from "../../../tools/bench/run";
import { PORTAL_VIEWS } from "../../../tools/bench/portalViews";

describe("npm run bench, portal section, reduced", () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({
      ...QUICK,
      sections: ["portal"],
      portal: { users: 300, requests: 3 },
      storageConnectionString: process.env.STORAGE_CONNECTION_STRING ?? "",
    });
  }, 120_000);

  it("times every view on the large tenant beside the empty one, without a failed request", () => {
    expect(report.sectionFailures).toEqual([]);
    expect(report.portal?.views.map((view) => view.view)).toEqual(PORTAL_VIEWS.map((view) => view.view));
    for (const view of report.portal?.views ?? []) {
      expect(view.errors).toBe(0);
      expect(view.p50Ms).toBeGreaterThan(0);
      expect(view.p95Ms).toBeGreaterThanOrEqual(view.p50Ms);
    }
    const checks = targetChecks(report).filter((check) => check.name.startsWith("portal:"));
    expect(checks.map((check) => check.name)).toEqual([
      "portal: slowest view p50 on 300 users",
      "portal: failed view requests",
    ]);
    expect(checks[1]?.met).toBe(true);
    expect(formatBench(report)).toContain("Portal: each view's API request on a tenant of 300 users");
  });
});
