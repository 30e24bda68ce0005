import "@kusto/language-service-next/bridge.min.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.min.js";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CONFLICT_THRESHOLD,
  evaluateAlertRules,
  MIN_SERVER_ERROR_REQUESTS,
  SCIM_PATH,
  SERVER_ERROR_PCT_THRESHOLD,
  TENANT_SEGMENT,
  tenantOfUrl,
  AUTH_FAILURE_OUTCOME,
  type RequestRow,
} from "../../src/telemetry/alertRules";
import { INFRA_DIR, readInfra } from "./bicepText";

/** The Bridge.NET build of Kusto.Language puts its API on a global. */
const Kusto = (globalThis as unknown as { Kusto: any }).Kusto.Language;

/** The App Insights `requests` table (classic schema), the columns a log alert on the component sees. */
const REQUESTS_SCHEMA =
  "(timestamp:datetime, id:string, name:string, url:string, success:bool, resultCode:string, duration:real," +
  " performanceBucket:string, itemType:string, customDimensions:dynamic, customMeasurements:dynamic," +
  " operation_Name:string, operation_Id:string, operation_ParentId:string, client_IP:string," +
  " cloud_RoleName:string, cloud_RoleInstance:string, appId:string, appName:string, iKey:string," +
  " sdkVersion:string, itemId:string, itemCount:int)";

/** The App Insights `customEvents` table (classic schema): the app's ScimRequest events live there. */
const CUSTOM_EVENTS_SCHEMA =
  "(timestamp:datetime, name:string, itemType:string, customDimensions:dynamic, customMeasurements:dynamic," +
  " operation_Name:string, operation_Id:string, operation_ParentId:string, client_IP:string," +
  " cloud_RoleName:string, cloud_RoleInstance:string, appId:string, appName:string, iKey:string," +
  " sdkVersion:string, itemId:string, itemCount:int)";

const globals = Kusto.GlobalState.Default.WithDatabase(
  new Kusto.Symbols.DatabaseSymbol.$ctor2("appi", null, [
    Kusto.Symbols.TableSymbol.From(REQUESTS_SCHEMA).WithName("requests"),
    Kusto.Symbols.TableSymbol.From(CUSTOM_EVENTS_SCHEMA).WithName("customEvents"),
  ]),
);

function analyze(text: string): { diagnostics: string[]; columns: string[] } {
  const code = Kusto.KustoCode.ParseAndAnalyze(text, globals);
  const list = code.GetDiagnostics();
  const diagnostics: string[] = [];
  for (let i = 0; i < list.Count; i += 1) diagnostics.push(String(list.getItem(i).Message));
  const columns: string[] = [];
  const resultColumns = code.ResultType?.Columns;
  for (let i = 0; i < (resultColumns?.Count ?? 0); i += 1)
    columns.push(String(resultColumns.getItem(i).Name));
  return { diagnostics, columns };
}

/** `let name = value;` statements of a query, as written. */
function lets(kql: string): Record<string, string> {
  return Object.fromEntries(
    [...kql.matchAll(/^let (\w+) = ([^;]+);$/gm)].map(([, name, value]) => [name, value]),
  );
}

const files = readdirSync(join(INFRA_DIR, "alerts")).filter((file) => file.endsWith(".kql"));
const alertsBicep = readInfra("app", "alerts.bicep");
function ruleOf(name: string): string {
  const start = alertsBicep.indexOf(`name: '${name}'`);
  const end = alertsBicep.indexOf("description:", start);
  return alertsBicep.slice(start, end);
}

describe("alert queries parsed by the Kusto language service", () => {
  it("the parser catches a wrong column (so a pass means something)", () => {
    expect(analyze("requests | where urll has 'x'").diagnostics).toEqual([
      "The name 'urll' does not refer to any known column, table, variable or function.",
    ]);
  });

  it.each([
    ["auth-failures.kql", ["tenantId", "total", "authFailures", "authFailurePct"]],
    ["server-errors.kql", ["tenantId", "total", "serverErrors", "serverErrorPct"]],
    ["conflicts.kql", ["tenantId", "total", "conflicts", "conflictPct"]],
  ])("%s parses against the requests schema and yields the rule's columns", (file, columns) => {
    expect(files).toContain(file);
    const result = analyze(readInfra("alerts", file));
    expect(result.diagnostics).toEqual([]);
    expect(result.columns).toEqual(columns);
  });

  it("each rule measures a column its query yields and splits by tenantId", () => {
    for (const [name, file] of [
      ["auth-failures", "auth-failures.kql"],
      ["server-errors", "server-errors.kql"],
      ["conflicts", "conflicts.kql"],
    ] as const) {
      const measure = /metricMeasureColumn: '(\w+)'/.exec(ruleOf(name))?.[1];
      expect(analyze(readInfra("alerts", file)).columns).toEqual(
        expect.arrayContaining([measure, "tenantId"]),
      );
    }
  });
});

describe("the KQL, the Bicep and src/telemetry/alertRules.ts share their constants", () => {
  const requestQueries = files.filter((file) => /^requests$/m.test(readInfra("alerts", file)));
  it.each(requestQueries)("%s declares scimPath and tenantSegment as alertRules.ts does", (file) => {
    expect(lets(readInfra("alerts", file))).toMatchObject({
      scimPath: JSON.stringify(SCIM_PATH),
      tenantSegment: String(TENANT_SEGMENT),
    });
  });

  it("server-errors: minRequests in the KQL, the percentage threshold in the Bicep", () => {
    expect(lets(readInfra("alerts", "server-errors.kql")).minRequests).toBe(
      String(MIN_SERVER_ERROR_REQUESTS),
    );
    expect(ruleOf("server-errors")).toMatch(
      new RegExp(`operator: 'GreaterThanOrEqual'\\s+threshold: ${String(SERVER_ERROR_PCT_THRESHOLD)}\\b`),
    );
  });

  it("auth-failures fire on any failure; conflicts at conflictThreshold", () => {
    expect(ruleOf("auth-failures")).toMatch(/operator: 'GreaterThan'\s+threshold: 0\b/);
    expect(ruleOf("conflicts")).toMatch(/operator: 'GreaterThanOrEqual'\s+threshold: conflictThreshold\b/);
    expect(alertsBicep).toMatch(
      new RegExp(`^param conflictThreshold int = ${String(CONFLICT_THRESHOLD)}$`, "m"),
    );
  });
});

describe("alert logic against sample requests rows", () => {
  const base = "https://func-api-abc.azurewebsites.net/scim/v2";
  const rows = (tenant: string, code: number, count: number, path = "/Users"): RequestRow[] =>
    Array.from({ length: count }, () => ({
      url: `${base}/${tenant}${path}?filter=x`,
      resultCode: String(code),
      // What the app tags a 401/403 to the tenant's own (stale) credential.
      ...(code === 401 || code === 403 ? { outcome: AUTH_FAILURE_OUTCOME } : {}),
    }));

  it("takes the tenant from the 3rd path segment of SCIM URLs only", () => {
    expect(tenantOfUrl(`${base}/contoso/Users/abc`)).toBe("contoso");
    expect(tenantOfUrl(`${base}/contoso`)).toBe("contoso");
    expect(tenantOfUrl("https://x.azurewebsites.net/api/health")).toBeUndefined();
    expect(tenantOfUrl(`${base}/`)).toBeUndefined();
  });

  it("fires auth-failures on a single 401 or 403, per tenant", () => {
    expect(
      evaluateAlertRules([
        ...rows("a", 200, 50),
        ...rows("a", 401, 1),
        ...rows("b", 403, 2),
        ...rows("c", 404, 9),
      ]),
    ).toEqual([
      { rule: "auth-failures", tenantId: "a", value: 1 },
      { rule: "auth-failures", tenantId: "b", value: 2 },
    ]);
  });

  it("leaves out of auth-failures the 401s the app tagged unauthenticated (anyone's, not the tenant's)", () => {
    const unauthenticated = rows("a", 401, 60).map((row) => ({
      ...row,
      outcome: "unauthenticated" as const,
    }));
    expect(evaluateAlertRules(unauthenticated)).toEqual([]);
    expect(evaluateAlertRules([...unauthenticated, ...rows("a", 401, 1)])).toEqual([
      { rule: "auth-failures", tenantId: "a", value: 1 },
    ]);
    const kql = readInfra("alerts", "auth-failures.kql");
    expect(kql).toContain(`countif(outcome == "${AUTH_FAILURE_OUTCOME}")`);
    expect(kql).toContain('| where name == "ScimRequest"');
  });

  it("fires server-errors at 20 % of at least 3 requests, not below", () => {
    expect(evaluateAlertRules([...rows("a", 200, 4), ...rows("a", 500, 1)])).toEqual([
      { rule: "server-errors", tenantId: "a", value: 20 },
    ]);
    expect(evaluateAlertRules([...rows("a", 200, 5), ...rows("a", 503, 1)])).toEqual([]); // 16.7 %
    expect(evaluateAlertRules(rows("a", 500, 2))).toEqual([]); // too few requests
  });

  it("fires conflicts at the threshold, not one below", () => {
    expect(evaluateAlertRules(rows("a", 409, CONFLICT_THRESHOLD - 1))).toEqual([]);
    expect(evaluateAlertRules(rows("a", 409, CONFLICT_THRESHOLD))).toEqual([
      { rule: "conflicts", tenantId: "a", value: CONFLICT_THRESHOLD },
    ]);
  });

  it("ignores requests outside /scim/v2/ (host health checks, scanners on other paths)", () => {
    expect(
      evaluateAlertRules([{ url: "https://x.azurewebsites.net/admin/host/status", resultCode: "401" }]),
    ).toEqual([]);
  });
});
