import { runReplay } from "../../../tools/entra/replay";
import { formatReport } from "../../../tools/entra/reportText";
import { startTestHost, type TestHost } from "../../support/testServices";

jest.setTimeout(120_000);

describe("the Entra replay against the local host", () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
  });

  afterAll(async () => {
    await host.close();
  });

  it("passes every check in both dialects and forecasts no quarantine", async () => {
    const tenant = await host.createTenant("replay");
    const report = await runReplay({
      url: tenant.tenantUrl,
      token: tenant.token,
      users: 4,
      groups: 2,
      concurrency: 2,
      dialect: "both",
    });
    const text = formatReport(report);
    const failures = report.steps.flatMap((step) => step.checks.filter((check) => !check.ok));
    expect(failures.length === 0 ? "" : text).toBe("");
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(200);
    expect(report.quarantine.quarantined).toBe(false);
    expect(text).toContain("Quarantine forecast: not quarantined");
    expect(text.split("\n").at(-1)).toBe(`${report.passed} passed, 0 failed`);
  });

  it("leaves nothing behind unless told to keep it", async () => {
    const tenant = await host.createTenant("clean");
    await runReplay({ url: tenant.tenantUrl, token: tenant.token, users: 2, groups: 1, dialect: "default" });
    const headers = { Authorization: `Bearer ${tenant.token}` };
    for (const collection of ["Users", "Groups"]) {
      const response = await fetch(`${tenant.tenantUrl}/${collection}`, { headers });
      expect(((await response.json()) as { totalResults: number }).totalResults).toBe(0);
    }
  });
});
