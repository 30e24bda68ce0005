import { UNSUPPORTED_STATUS } from "../../src/scim/errors";
import type { RequestOutcome } from "../../src/telemetry/types";

/**
 * The constants shared by the alert queries (infra/alerts/*.kql, as `let`s) and the alert rules
 * (infra/app/alerts.bicep, as thresholds). test/infra/alertQueries.test.ts runs each query's own text
 * on sample telemetry and checks the `let`s against these; test/infra/templateChecks.ts checks the
 * compiled rules' thresholds against them.
 */

/** `let scimPath`: only SCIM requests count. */
export const SCIM_PATH = "/scim/v2/";
/** `let tenantSegment`: the tenant id is this segment of the URL path (`/scim/v2/<tenantId>/...`). */
export const TENANT_SEGMENT = 3;
/**
 * The outcome auth-failures.kql counts: a 401/403 to a credential the tenant holds or held. A 401 the app
 * tagged `unauthenticated` (no credential, one never issued) is anyone's, not the tenant's Entra job failing.
 */
export const AUTH_FAILURE_OUTCOME: RequestOutcome = "authFailure";
/** The outcome unauthenticated.kql counts: no credential, or one the tenant never issued. */
export const UNAUTHENTICATED_OUTCOME: RequestOutcome = "unauthenticated";
/** `unauthenticatedThreshold` of alerts.bicep: unauthenticated requests per tenant per hour at or above which it fires. */
export const UNAUTHENTICATED_THRESHOLD = 100;
/** `let minRequests` of server-errors.kql: fewer requests in the window are not a trend. */
export const MIN_SERVER_ERROR_REQUESTS = 3;
/** `let unsupportedStatus` of server-errors.kql: a 501 is a feature the client asked for and we do not offer. */
export const SERVER_ERROR_EXCLUDED_STATUS = UNSUPPORTED_STATUS;
/** `threshold` of the server-errors rule: 5xx share, in percent, at or above which it fires. */
export const SERVER_ERROR_PCT_THRESHOLD = 20;
/** `conflictThreshold` of alerts.bicep: 409s per tenant per window at or above which it fires. */
export const CONFLICT_THRESHOLD = 20;
/** `let minRequests` of client-errors.kql. */
export const MIN_CLIENT_ERROR_REQUESTS = 10;
/** `clientErrorPctThreshold` of alerts.bicep: share of counted 4xx, in percent, at or above which it fires. */
export const CLIENT_ERROR_PCT_THRESHOLD = 20;
/** `let heartbeatFunction` of no-heartbeat.kql: the hourly timer whose runs prove the app is alive. */
export const HEARTBEAT_FUNCTION = "auditRetention";
/** `heartbeatHours` of alerts.bicep: hours without a successful run at or above which it fires. */
export const HEARTBEAT_HOURS_THRESHOLD = 3;
