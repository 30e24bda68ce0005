import type { RequestOutcome } from "./types";

/**
 * The logic of the alert queries in infra/alerts/*.kql and the thresholds of infra/app/alerts.bicep, in
 * TypeScript, so it can be run against sample rows shaped like App Insights `requests` in tests (no Kusto
 * engine runs offline). test/infra/alertQueries.test.ts checks that the KQL `let` constants and the
 * Bicep thresholds equal the constants below, and that the KQL parses against the `requests` schema.
 */

/** `let scimPath`: only SCIM requests count. */
export const SCIM_PATH = "/scim/v2/";
/** `let tenantSegment`: the tenant id is this segment of the URL path (`/scim/v2/<tenantId>/...`). */
export const TENANT_SEGMENT = 3;
/** `let minRequests` of server-errors.kql: fewer requests in the window are not a trend. */
export const MIN_SERVER_ERROR_REQUESTS = 3;
/** `threshold` of the server-errors rule: 5xx share, in percent, at or above which it fires. */
export const SERVER_ERROR_PCT_THRESHOLD = 20;
/** `conflictThreshold` of alerts.bicep: 409s per tenant per window at or above which it fires. */
export const CONFLICT_THRESHOLD = 20;

/** The columns of an App Insights `requests` row the queries read. */
export interface RequestRow {
  readonly url: string;
  readonly resultCode: string;
  /**
   * The `outcome` of the request's `ScimRequest` custom event. auth-failures.kql reads those events and
   * counts only AUTH_FAILURE_OUTCOME: a 401 the app tagged `unauthenticated` is anyone's, not the tenant's.
   */
  readonly outcome?: RequestOutcome;
}

/** The outcome auth-failures.kql counts: a 401/403 to a credential the tenant holds or held. */
export const AUTH_FAILURE_OUTCOME: RequestOutcome = "authFailure";

export type AlertRule = "auth-failures" | "server-errors" | "conflicts";

export interface AlertFiring {
  readonly rule: AlertRule;
  readonly tenantId: string;
  /** The rule's measure column: authFailures, serverErrorPct or conflicts. */
  readonly value: number;
}

/** `tostring(split(tostring(parse_url(url).Path), "/")[tenantSegment])`, after `url has scimPath`. */
export function tenantOfUrl(url: string): string | undefined {
  if (!url.toLowerCase().includes(SCIM_PATH)) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const tenant = path.split("/")[TENANT_SEGMENT];
  return tenant === undefined || tenant === "" ? undefined : tenant;
}

/** KQL `round(x, 1)`. */
function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The three queries' `summarize ... by tenantId` and the rules' thresholds: which alerts fire, per tenant. */
export function evaluateAlertRules(rows: readonly RequestRow[]): AlertFiring[] {
  const byTenant = new Map<string, { total: number; auth: number; server: number; conflicts: number }>();
  for (const row of rows) {
    const tenantId = tenantOfUrl(row.url);
    if (tenantId === undefined) continue;
    const code = Number.parseInt(row.resultCode, 10);
    const counts = byTenant.get(tenantId) ?? { total: 0, auth: 0, server: 0, conflicts: 0 };
    counts.total += 1;
    if (row.outcome === AUTH_FAILURE_OUTCOME) counts.auth += 1;
    if (code >= 500) counts.server += 1;
    if (code === 409) counts.conflicts += 1;
    byTenant.set(tenantId, counts);
  }
  const firing: AlertFiring[] = [];
  for (const [tenantId, counts] of byTenant) {
    if (counts.auth > 0) firing.push({ rule: "auth-failures", tenantId, value: counts.auth });
    if (counts.total >= MIN_SERVER_ERROR_REQUESTS && counts.server > 0) {
      const pct = round1((100 * counts.server) / counts.total);
      if (pct >= SERVER_ERROR_PCT_THRESHOLD) firing.push({ rule: "server-errors", tenantId, value: pct });
    }
    if (counts.conflicts >= CONFLICT_THRESHOLD)
      firing.push({ rule: "conflicts", tenantId, value: counts.conflicts });
  }
  return firing;
}
