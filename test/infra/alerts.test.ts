import { readdirSync } from "node:fs";
import { join } from "node:path";
import { INFRA_DIR, readInfra } from "./bicepText";

const kqlFiles = readdirSync(join(INFRA_DIR, "alerts"))
  .filter((file) => file.endsWith(".kql"))
  .sort();
const alertsBicep = readInfra("app", "alerts.bicep");

describe("alert queries (infra/alerts/*.kql)", () => {
  it("cover 401/403, 5xx, 409, the 4xx Entra counts, unauthenticated requests and the app's heartbeat", () => {
    expect(kqlFiles).toEqual([
      "auth-failures.kql",
      "client-errors.kql",
      "conflicts.kql",
      "no-heartbeat.kql",
      "server-errors.kql",
      "unauthenticated.kql",
    ]);
  });

  it.each(kqlFiles)("%s is loaded by alerts.bicep", (file) => {
    expect(alertsBicep).toContain(`loadTextContent('../alerts/${file}')`);
  });

  // The 401/403 rule reads the app's own ScimRequest events: only they say whether a credential was the tenant's.
  describe.each(["conflicts.kql", "server-errors.kql"])("%s", (file) => {
    const kql = readInfra("alerts", file);
    const query = kql
      .split("\n")
      .filter((line) => !line.trim().startsWith("//"))
      .join("\n");

    it("reads the App Insights requests table and its resultCode", () => {
      expect(query).toMatch(/^requests$/m);
      expect(query).toContain("resultCode");
    });

    it("splits by the tenant id, the 3rd path segment of the URL", () => {
      expect(query).toContain('split(tostring(parse_url(url).Path), "/")[tenantSegment]');
      expect(query).toMatch(/ by tenantId\b/);
    });
  });

  it("auth-failures.kql counts only the tenant's own credential failures, per tenant", () => {
    const query = readInfra("alerts", "auth-failures.kql");
    expect(query).toMatch(/^customEvents$/m);
    expect(query).toContain('where name == "ScimRequest"');
    expect(query).toContain('countif(outcome == "authFailure")');
    expect(query).not.toMatch(/countif\([^)]*unauthenticated/);
    expect(query).toMatch(/ by tenantId\b/);
  });

  it("look only at status codes the rule is about", () => {
    expect(readInfra("alerts", "server-errors.kql")).toMatch(/code >= 500/);
    expect(readInfra("alerts", "conflicts.kql")).toMatch(/code == 409/);
  });
});

describe("alert rules (infra/app/alerts.bicep)", () => {
  it("split per-tenant rules by tenantId", () => {
    expect(alertsBicep).toMatch(/name: 'tenantId'\s+operator: 'Include'\s+values: \['\*'\]/);
    expect(alertsBicep).toMatch(/dimensions: rule\.dimensions/);
  });

  it("notify the action group only when an email is given", () => {
    expect(alertsBicep).toMatch(/^var notify = !empty\(alertEmail\)$/m);
    expect(alertsBicep).toMatch(/^resource actionGroup '[^']+' = if \(notify\)/m);
    expect(alertsBicep).toMatch(/actionGroups: notify \? \[actionGroup\.id\] : \[\]/);
  });
});
