import "@kusto/language-service-next/bridge.min.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.min.js";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TokenCredential } from "@azure/identity";
import { createAppInsightsTelemetry, REQUEST_EVENT_NAME } from "../../src/telemetry/appInsights";
import {
  AUTH_FAILURE_OUTCOME,
  CLIENT_ERROR_PCT_THRESHOLD,
  CONFLICT_THRESHOLD,
  HEARTBEAT_FUNCTION,
  HEARTBEAT_HOURS_THRESHOLD,
  MIN_CLIENT_ERROR_REQUESTS,
  MIN_SERVER_ERROR_REQUESTS,
  SCIM_PATH,
  SERVER_ERROR_EXCLUDED_STATUS,
  SERVER_ERROR_PCT_THRESHOLD,
  TENANT_SEGMENT,
  UNAUTHENTICATED_OUTCOME,
  UNAUTHENTICATED_THRESHOLD,
} from "./alertRules";
import { noTelemetry, useTelemetry, type RequestOutcome } from "../../src/telemetry";
import { runKql, type KqlRow } from "../support/kql";
import { fakeSdk } from "../telemetry/fakeSdk";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { INFRA_DIR, readInfra } from "./bicepText";

/** The Bridge.NET build of Kusto.Language puts its API on a global. */
const Kusto = (globalThis as unknown as { Kusto: any }).Kusto.Language;

/** The App Insights tables the queries read (classic schema), the columns a log alert on the component sees. */
const COMMON =
  "timestamp:datetime, customDimensions:dynamic, customMeasurements:dynamic, operation_Name:string," +
  " operation_Id:string, operation_ParentId:string, client_IP:string, cloud_RoleName:string," +
  " cloud_RoleInstance:string, appId:string, appName:string, iKey:string, sdkVersion:string, itemId:string," +
  " itemCount:int";
const REQUESTS_SCHEMA = `(${COMMON}, id:string, name:string, url:string, success:bool, resultCode:string, duration:real, performanceBucket:string, itemType:string)`;
const CUSTOM_EVENTS_SCHEMA = `(${COMMON}, name:string, itemType:string)`;

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

const RULE_COLUMNS: Record<string, string[]> = {
  "auth-failures.kql": ["tenantId", "total", "authFailures", "authFailurePct"],
  "server-errors.kql": ["tenantId", "total", "serverErrors", "serverErrorPct"],
  "conflicts.kql": ["tenantId", "total", "conflicts", "conflictPct"],
  "client-errors.kql": ["tenantId", "total", "clientErrors", "clientErrorPct"],
  "no-heartbeat.kql": ["hoursSinceLastRun"],
  "unauthenticated.kql": ["tenantId", "total", "unauthenticated"],
};

describe("alert queries parsed by the Kusto language service", () => {
  it("the parser catches a wrong column (so a pass means something)", () => {
    expect(analyze("requests | where urll has 'x'").diagnostics).toEqual([
      "The name 'urll' does not refer to any known column, table, variable or function.",
    ]);
  });

  it("every query file has a rule and expected columns", () => {
    expect(files.sort()).toEqual(Object.keys(RULE_COLUMNS).sort());
  });

  it.each(Object.entries(RULE_COLUMNS))(
    "%s parses against the schema and yields the rule's columns",
    (file, columns) => {
      const result = analyze(readInfra("alerts", file));
      expect(result.diagnostics).toEqual([]);
      expect(result.columns).toEqual(columns);
    },
  );

  it("each rule measures a column its query yields; per-tenant rules split by tenantId", () => {
    for (const file of files) {
      const name = file.replace(/\.kql$/, "");
      const measure = /metricMeasureColumn: '(\w+)'/.exec(ruleOf(name))?.[1];
      const { columns } = analyze(readInfra("alerts", file));
      expect(columns).toContain(measure);
      if (/dimensions: perTenant/.test(ruleOf(name))) expect(columns).toContain("tenantId");
    }
  });
});

describe("the KQL, the Bicep and test/infra/alertRules.ts share their constants", () => {
  it.each(files.filter((file) => /scimPath/.test(readInfra("alerts", file))))(
    "%s declares scimPath and tenantSegment as alertRules.ts does",
    (file) => {
      expect(lets(readInfra("alerts", file))).toMatchObject({
        scimPath: JSON.stringify(SCIM_PATH),
        tenantSegment: String(TENANT_SEGMENT),
      });
    },
  );

  it("minimum requests, the heartbeat function and the thresholds", () => {
    expect(lets(readInfra("alerts", "server-errors.kql")).minRequests).toBe(
      String(MIN_SERVER_ERROR_REQUESTS),
    );
    expect(lets(readInfra("alerts", "server-errors.kql")).unsupportedStatus).toBe(
      String(SERVER_ERROR_EXCLUDED_STATUS),
    );
    expect(lets(readInfra("alerts", "client-errors.kql")).minRequests).toBe(
      String(MIN_CLIENT_ERROR_REQUESTS),
    );
    expect(lets(readInfra("alerts", "no-heartbeat.kql")).heartbeatFunction).toBe(
      JSON.stringify(HEARTBEAT_FUNCTION),
    );
    expect(ruleOf("server-errors")).toMatch(
      new RegExp(`operator: 'GreaterThanOrEqual'\\s+threshold: ${String(SERVER_ERROR_PCT_THRESHOLD)}\\b`),
    );
    for (const [param, value] of [
      ["conflictThreshold", CONFLICT_THRESHOLD],
      ["clientErrorPctThreshold", CLIENT_ERROR_PCT_THRESHOLD],
      ["heartbeatHours", HEARTBEAT_HOURS_THRESHOLD],
    ] as const) {
      expect(alertsBicep).toMatch(new RegExp(`^param ${param} int = ${String(value)}$`, "m"));
    }
  });
});

const HOUR = 3_600_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");

/** A `requests` row as the Functions host writes it for an HTTP invocation. */
function requestRow(tenant: string, status: number, path = "/Users", minutesAgo = 5): KqlRow {
  return {
    timestamp: NOW - minutesAgo * 60_000,
    name: path.startsWith("/Groups") ? "scimGroups" : "scimUsers",
    url: `https://func-api-abc.azurewebsites.net${SCIM_PATH}${tenant}${path}?filter=userName+eq+%22x%22`,
    resultCode: String(status),
    success: status < 400,
  };
}

const times = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);

/** Runs an alert query's own text and keeps the rows its rule fires on (measure `operator` threshold). */
function firing(
  rule: string,
  tables: Record<string, KqlRow[]>,
  query = readInfra("alerts", `${rule}.kql`),
): Record<string, number> {
  const rows = runKql(query, { tables, now: NOW });
  const block = ruleOf(rule);
  const measure = /metricMeasureColumn: '(\w+)'/.exec(block)![1]!;
  const operator = /operator: '(\w+)'/.exec(block)![1]!;
  const thresholds: Record<string, number> = {
    conflictThreshold: CONFLICT_THRESHOLD,
    clientErrorPctThreshold: CLIENT_ERROR_PCT_THRESHOLD,
    heartbeatHours: HEARTBEAT_HOURS_THRESHOLD,
    unauthenticatedThreshold: UNAUTHENTICATED_THRESHOLD,
  };
  const written = /threshold: (\w+)/.exec(block)![1]!;
  const threshold = thresholds[written] ?? Number(written);
  const fires = (value: number) => (operator === "GreaterThan" ? value > threshold : value >= threshold);
  return Object.fromEntries(
    rows
      .filter((row) => typeof row[measure] === "number" && fires(row[measure]))
      .map((row) => [typeof row.tenantId === "string" ? row.tenantId : "app", row[measure] as number]),
  );
}

/** A `ScimRequest` custom event row, with the dimensions the app writes (src/telemetry/appInsights.ts). */
function scimEvent(tenantId: string, status: number, outcome: RequestOutcome, operation = "filter"): KqlRow {
  return {
    timestamp: NOW - 60_000,
    name: REQUEST_EVENT_NAME,
    customDimensions: { tenantId, resource: "Users", operation, outcome, status: String(status) },
  };
}

describe("auth-failures on ScimRequest events", () => {
  const events = (rows: KqlRow[]) => ({ requests: [], customEvents: rows });

  it("fires on a single 401/403 to a tenant's own credential, per tenant", () => {
    expect(
      firing(
        "auth-failures",
        events([
          ...times(50, () => scimEvent("a", 200, "success")),
          scimEvent("a", 401, AUTH_FAILURE_OUTCOME),
          ...times(2, () => scimEvent("b", 403, AUTH_FAILURE_OUTCOME)),
          ...times(9, () => scimEvent("c", 404, "clientError", "get")),
        ]),
      ),
    ).toEqual({ a: 1, b: 2 });
  });

  it("leaves out the 401s the app tagged unauthenticated (anyone's, not the tenant's) and invalid tenant ids", () => {
    const unauthenticated = times(60, () => scimEvent("a", 401, "unauthenticated"));
    expect(
      firing(
        "auth-failures",
        events([...unauthenticated, scimEvent("(invalid)", 401, AUTH_FAILURE_OUTCOME)]),
      ),
    ).toEqual({});
    expect(
      firing("auth-failures", events([...unauthenticated, scimEvent("a", 401, AUTH_FAILURE_OUTCOME)])),
    ).toEqual({ a: 1 });
    expect(readInfra("alerts", "auth-failures.kql")).toContain(
      `countif(outcome == "${AUTH_FAILURE_OUTCOME}")`,
    );
  });
});

describe("unauthenticated on ScimRequest events", () => {
  const events = (rows: KqlRow[]) => ({ requests: [], customEvents: rows });
  const unauthenticated = (tenantId: string, count: number) =>
    times(count, () => scimEvent(tenantId, 401, UNAUTHENTICATED_OUTCOME));

  it("fires at the threshold per tenant, not below, and leaves the tenant's own failures to auth-failures", () => {
    expect(
      firing(
        "unauthenticated",
        events([
          ...unauthenticated("a", UNAUTHENTICATED_THRESHOLD),
          ...unauthenticated("b", UNAUTHENTICATED_THRESHOLD - 1),
          ...times(UNAUTHENTICATED_THRESHOLD, () => scimEvent("c", 401, AUTH_FAILURE_OUTCOME)),
          ...unauthenticated("(invalid)", UNAUTHENTICATED_THRESHOLD),
        ]),
      ),
    ).toEqual({ a: UNAUTHENTICATED_THRESHOLD });
  });

  it("its rule's threshold is the shared constant", () => {
    expect(ruleOf("unauthenticated")).toContain("threshold: unauthenticatedThreshold");
    expect(alertsBicep).toContain(`param unauthenticatedThreshold int = ${UNAUTHENTICATED_THRESHOLD}`);
  });
});

describe("alert queries run on sample requests rows (the Functions host's shape)", () => {
  const requests = (rows: KqlRow[]) => ({ requests: rows, customEvents: [] });

  it("server-errors: at 20 % of at least 3 requests, not below", () => {
    expect(
      firing("server-errors", requests([...times(4, () => requestRow("a", 200)), requestRow("a", 500)])),
    ).toEqual({ a: 20 });
    expect(
      firing("server-errors", requests([...times(5, () => requestRow("a", 200)), requestRow("a", 503)])),
    ).toEqual({}); // 16.7 %
    expect(firing("server-errors", requests(times(2, () => requestRow("a", 500))))).toEqual({});
    // Exactly minRequests requests count.
    expect(
      firing("server-errors", requests([...times(2, () => requestRow("a", 200)), requestRow("a", 502)])),
    ).toEqual({ a: 33.3 });
  });

  it("server-errors: a 501 (a feature the client asked for and we do not offer) is no server error", () => {
    const rootSearch = () => requestRow("a", 501, "/.search");
    expect(firing("server-errors", requests(times(10, rootSearch)))).toEqual({});
    // It is still one of the tenant's requests: beside it, a real 5xx weighs its share of all of them.
    expect(
      firing(
        "server-errors",
        requests([...times(3, rootSearch), requestRow("a", 200), requestRow("a", 500)]),
      ),
    ).toEqual({ a: 20 });
  });

  it("conflicts: at the threshold, not one below", () => {
    expect(firing("conflicts", requests(times(CONFLICT_THRESHOLD - 1, () => requestRow("a", 409))))).toEqual(
      {},
    );
    expect(firing("conflicts", requests(times(CONFLICT_THRESHOLD, () => requestRow("a", 409))))).toEqual({
      a: CONFLICT_THRESHOLD,
    });
  });

  describe("no-heartbeat: the hourly job's runs, app-wide", () => {
    const run = (hoursAgo: number, success = true): KqlRow => ({
      timestamp: NOW - hoursAgo * HOUR,
      name: HEARTBEAT_FUNCTION,
      url: "",
      resultCode: success ? "0" : "1",
      success,
    });

    it("quiet while the job ran within the last hours, whatever the SCIM traffic", () => {
      expect(firing("no-heartbeat", requests([run(0.9), run(1.9), run(2.9)]))).toEqual({});
      expect(
        runKql(readInfra("alerts", "no-heartbeat.kql"), { tables: requests([run(0.5)]), now: NOW }),
      ).toEqual([{ hoursSinceLastRun: 0.5 }]);
    });

    it("fires once the last successful run is old enough; failed runs do not count", () => {
      expect(firing("no-heartbeat", requests([run(HEARTBEAT_HOURS_THRESHOLD), run(1, false)]))).toEqual({
        app: HEARTBEAT_HOURS_THRESHOLD,
      });
    });

    it("fires when the window holds no run at all (a dead app writes nothing)", () => {
      expect(firing("no-heartbeat", requests(times(30, () => requestRow("a", 200))))).toEqual({ app: 999 });
      expect(firing("no-heartbeat", requests([]))).toEqual({ app: 999 });
    });
  });
});

describe("client-errors on the ScimRequest events the app sends for real requests", () => {
  const { sdk, sent } = fakeSdk();
  const credential: TokenCredential = {
    getToken: () => Promise.resolve({ token: "entra", expiresOnTimestamp: Date.now() + 60_000 }),
  };
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("alert");
    scim = scimClient(tenant);
    useTelemetry(
      createAppInsightsTelemetry("InstrumentationKey=00000000-0000-0000-0000-000000000000", {
        sdk,
        credential,
      }),
    );
  });

  afterAll(async () => {
    useTelemetry(noTelemetry);
    await harness.close();
  });

  beforeEach(() => {
    sent.length = 0;
  });

  /** What the SDK was given, as the customEvents rows App Insights stores (properties → customDimensions). */
  const rows = (): KqlRow[] =>
    sent.map((event) => ({
      timestamp: NOW - 60_000,
      name: event.name,
      customDimensions: (event.properties ?? {}) as KqlRow,
      customMeasurements: event.measurements ?? {},
    }));
  const events = () => ({ requests: [], customEvents: rows() });
  const statuses = () =>
    rows()
      .filter((row) => row.name === REQUEST_EVENT_NAME)
      .map((row) => {
        const dimensions = row.customDimensions as Record<string, string>;
        return `${dimensions.operation!} ${dimensions.status!}`;
      });

  it("counts the 4xx Entra counts, not 404 on GET by id or DELETE, nor 401", async () => {
    for (let i = 0; i < 8; i += 1)
      expect((await scim("POST", "/Users", { userName: `u${String(i)}@x.com` })).status).toBe(201);
    expect((await scim("GET", "/Users/missing")).status).toBe(404);
    expect((await scim("DELETE", "/Users/missing")).status).toBe(404);
    const wrongToken = await fetch(`${tenant.tenantUrl}/Users`, {
      headers: { Authorization: "Bearer nope" },
    });
    expect(wrongToken.status).toBe(401);
    expect(statuses()).toEqual([...times(8, () => "create 201"), "get 404", "delete 404", "list 401"]);
    // 11 requests, none counted.
    expect(firing("client-errors", events())).toEqual({});
    // A token the tenant never issued is anyone's: the app tags it unauthenticated, and no auth alert fires.
    expect(firing("auth-failures", events())).toEqual({});

    expect((await scim("POST", "/Users", { userName: "u0@x.com" })).status).toBe(409);
    expect((await scim("GET", "/Users?filter=bogus+eq+%22x%22")).status).toBe(400);
    // 2 of 13 counted: 15.4 %, below the threshold.
    expect(firing("client-errors", events())).toEqual({});
    const patch = {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    };
    expect((await scim("PATCH", "/Users/missing", patch)).status).toBe(404);
    // 3 of 14 counted: 21.4 %.
    expect(firing("client-errors", events())).toEqual({ [tenant.tenantId]: 21.4 });
  });

  it("does not count 429 (Entra retries it later)", async () => {
    for (let i = 0; i < 10; i += 1) await scim("GET", "/Users?filter=bogus+eq+%22x%22");
    expect(firing("client-errors", events())).toEqual({ [tenant.tenantId]: 100 });
    // The same events as if they had been throttled.
    const throttled = rows().map((row) => ({
      ...row,
      customDimensions: { ...(row.customDimensions as Record<string, string>), status: "429" },
    }));
    expect(firing("client-errors", { requests: [], customEvents: throttled })).toEqual({});
  });

  it("leaves out tenants with fewer requests than minRequests", async () => {
    for (let i = 0; i < MIN_CLIENT_ERROR_REQUESTS - 1; i += 1)
      expect((await scim("GET", "/Users?filter=bogus+eq+%22x%22")).status).toBe(400);
    expect(firing("client-errors", events())).toEqual({});
    await scim("GET", "/Users?filter=bogus+eq+%22x%22");
    expect(firing("client-errors", events())).toEqual({ [tenant.tenantId]: 100 });
  });
});

/**
 * Edits of the queries that still parse, each with sample rows on which the edited query fires
 * differently from the real one: the evaluation above would notice any of them.
 */
const QUERY_MUTATIONS: readonly { rule: string; from: string; to: string; rows: Record<string, KqlRow[]> }[] =
  [
    {
      rule: "server-errors",
      from: "where total >= minRequests",
      to: "where total > minRequests",
      rows: {
        requests: [requestRow("a", 200), requestRow("a", 200), requestRow("a", 500)],
        customEvents: [],
      },
    },
    {
      rule: "server-errors",
      from: "code >= 500 and code != unsupportedStatus",
      to: "code >= 500",
      rows: { requests: times(3, () => requestRow("a", 501, "/.search")), customEvents: [] },
    },
    {
      rule: "auth-failures",
      from: 'countif(outcome == "authFailure")',
      to: 'countif(outcome in ("authFailure", "unauthenticated"))',
      rows: { requests: [], customEvents: [scimEvent("a", 401, "unauthenticated")] },
    },
    {
      rule: "conflicts",
      from: "code == 409",
      to: "code == 412",
      rows: { requests: times(CONFLICT_THRESHOLD, () => requestRow("a", 409)), customEvents: [] },
    },
    {
      rule: "client-errors",
      from: "status !in (401, 403, 429)",
      to: "status !in (401, 403, 429, 400)",
      rows: {
        requests: [],
        customEvents: times(MIN_CLIENT_ERROR_REQUESTS, () => ({
          timestamp: NOW - 60_000,
          name: REQUEST_EVENT_NAME,
          customDimensions: { tenantId: "a", operation: "filter", outcome: "clientError", status: "400" },
        })),
      },
    },
    {
      rule: "no-heartbeat",
      from: "iff(isnull(lastRun), noRunHours,",
      to: "iff(isnull(lastRun), 0.0,",
      rows: { requests: [], customEvents: [] },
    },
  ];

describe("the sample rows tell a weakened query from the real one", () => {
  it.each(
    QUERY_MUTATIONS.map(
      (mutation) => [`${mutation.rule}: ${mutation.from} → ${mutation.to}`, mutation] as const,
    ),
  )("%s", (_name, { rule, from, to, rows }) => {
    const query = readInfra("alerts", `${rule}.kql`);
    expect(query).toContain(from);
    expect(firing(rule, rows, query.replace(from, to))).not.toEqual(firing(rule, rows));
  });
});
