import { runReplay } from "../../../packages/entra-replay/src/replay";
import { formatReport, jsonReport } from "../../../packages/entra-replay/src/reportText";
import { startTestHost, type TestHost } from "../../support/testServices";

jest.setTimeout(180_000);

/** A tenant with an OAuth client, and the replay's settings for Microsoft's credentials test. */
async function oauthTenant(host: TestHost, prefix: string) {
  const tenant = await host.createTenant(prefix);
  const client = await host.services.tenants.createClient(tenant.tenantId);
  const oauth = {
    tokenEndpoint: `${tenant.tenantUrl}/oauth/token`,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  };
  return { tenant, client, oauth };
}

describe("the Entra replay against the local host", () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
  });

  afterAll(async () => {
    await host.close();
  });

  it("says ready with zero problems, and passes Microsoft's gallery tests (OAuth client credentials included)", async () => {
    const { tenant, oauth } = await oauthTenant(host, "replay");
    const report = await runReplay({
      url: tenant.tenantUrl,
      token: tenant.token,
      users: 4,
      groups: 2,
      concurrency: 2,
      dialect: "both",
      oauth,
    });
    const text = formatReport(report);
    const failures = report.steps.flatMap((step) => step.checks.filter((check) => !check.ok));
    expect(failures.length === 0 ? "" : text).toBe("");
    expect(report.ready).toBe(true);
    expect(report.problems).toEqual([]);
    expect(text.split("\n")[0]).toBe("READY for Entra: no problems found.");
    expect(report.passed).toBeGreaterThan(1000);
    expect(report.quarantine.quarantined).toBe(false);
    const results = Object.fromEntries(report.gallery.map((test) => [test.name, test.result]));
    expect(Object.keys(results)).toHaveLength(25);
    // Workload identity federation needs a trust set up on the app; Microsoft needs one of the two.
    expect(results.Federated_Identity_Test).toBe("SKIPPED");
    expect(results.Validate_Credentials_Test).toBe("PASSED");
    expect(Object.entries(results).filter(([, result]) => result !== "PASSED")).toEqual([
      ["Federated_Identity_Test", "SKIPPED"],
    ]);
    expect(text).toContain("Microsoft's overall result: Succeeded");
    expect(text.split("\n").at(-1)).toBe(`${report.passed} passed, 0 failed`);
  });

  it("keeps the client secret and issued tokens out of the report", async () => {
    const { tenant, client, oauth } = await oauthTenant(host, "secret");
    const report = await runReplay({ url: tenant.tenantUrl, token: tenant.token, suite: "gallery", oauth });
    const json = jsonReport(report);
    const verbose = formatReport(report, true);
    const issued = report.exchanges.find((exchange) => exchange.path.endsWith("/oauth/token"));
    expect(issued?.status).toBe(200);
    for (const output of [json, verbose]) {
      expect(output).not.toContain(client.clientSecret);
      expect(output).not.toContain(tenant.token);
      expect(output).not.toMatch(/"access_token":"(?!\*\*\*)/);
    }
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
