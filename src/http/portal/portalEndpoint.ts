import { randomUUID } from "node:crypto";
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { services, type Services } from "../../app/services";
import { ApiError } from "../../events/apiError";
import { inRequestScope, type RequestScope } from "../../lib/requestScope";
import { auditRecord } from "../../service/audit";
import { ScimError } from "../../scim/errors";
import { TrustError } from "../../tenants/federation/trusts";
import { sameCsrfToken } from "../../tenants/portal/portalSecrets";
import type { PortalSession } from "../../tenants/portal/portalSessions";
import { TenantAdminError } from "../../tenants/tenantAdmin";
import { PORTAL_API_HEADERS } from "./portalHeaders";
import { sessionCookie } from "./sessionCookie";

/** What a portal operation gets: the session (its tenant is the only tenant it may touch). */
export interface PortalCall {
  readonly request: HttpRequest;
  readonly session: PortalSession;
  readonly services: Services;
  readonly context: InvocationContext;
}

export interface PortalResult {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type PortalOperation = (call: PortalCall) => Promise<PortalResult>;

/** What an operation before any session (signing in) gets. */
export interface PortalPublicCall {
  readonly request: HttpRequest;
  readonly services: Services;
  readonly scope: RequestScope;
}

export type PortalPublicOperation = (call: PortalPublicCall) => Promise<PortalResult & { tenantId?: string }>;

const SAFE_METHODS = new Set(["GET", "HEAD"]);
export const CSRF_HEADER = "x-csrf-token";

/** The HTTP status of a refused tenant operation, by its reason. */
export const ADMIN_ERROR_STATUS = { invalid: 400, notFound: 404, conflict: 409 } as const;

/** Every refusal as `{error:{code,message}}` with a 4xx; only a fault of ours is a 5xx. */
function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof TenantAdminError) {
    return new ApiError(ADMIN_ERROR_STATUS[error.reason], error.reason, error.message);
  }
  if (error instanceof TrustError) {
    return /^No trust/.test(error.message)
      ? new ApiError(404, "notFound", error.message)
      : new ApiError(400, "invalid", error.message);
  }
  if (error instanceof ScimError) {
    return new ApiError(error.status, error.status === 503 ? "unavailable" : "invalid", error.detail);
  }
  return new ApiError(500, "internal_error", "An unexpected error occurred.");
}

export function unauthenticated(): ApiError {
  return new ApiError(401, "unauthenticated", "No portal session: open a new setup link from your operator.");
}

function respond(result: PortalResult, correlationId: string): HttpResponseInit {
  return {
    status: result.status ?? 200,
    headers: { ...PORTAL_API_HEADERS, ...result.headers, "X-Correlation-Id": correlationId },
    ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
  };
}

function errorResponse(error: ApiError, correlationId: string): HttpResponseInit {
  return respond(
    { status: error.status, body: { error: { code: error.code, message: error.message, correlationId } } },
    correlationId,
  );
}

interface Outcome {
  response: HttpResponseInit;
  tenantId?: string;
}

/** The part every portal API request shares: scope, errors, headers, one log line (never a secret). */
async function pipeline(
  name: string,
  request: HttpRequest,
  context: InvocationContext,
  work: (scope: RequestScope, correlationId: string) => Promise<Outcome>,
): Promise<HttpResponseInit> {
  const correlationId = randomUUID();
  const started = Date.now();
  const scope: RequestScope = { correlationId, storageRoundTrips: 0 };
  const outcome = await inRequestScope(scope, async (): Promise<Outcome> => {
    try {
      return await work(scope, correlationId);
    } catch (error) {
      const failure = asApiError(error);
      if (failure.status >= 500 && !(error instanceof ScimError)) context.error("Unhandled error", error);
      return { response: errorResponse(failure, correlationId) };
    }
  });
  context.log(
    JSON.stringify({
      event: "portal.request",
      correlationId,
      ...(outcome.tenantId ? { tenantId: outcome.tenantId } : {}),
      ...(scope.credentialId ? { credentialId: scope.credentialId } : {}),
      method: request.method,
      route: name,
      status: outcome.response.status,
      durationMs: Date.now() - started,
      storageRoundTrips: scope.storageRoundTrips,
      ...(scope.storageRowsRead === undefined ? {} : { storageRowsRead: scope.storageRowsRead }),
    }),
  );
  return outcome.response;
}

/** The actor the audit trail names for a session's changes. */
export function portalCredentialId(sessionId: string): string {
  return `portal:${sessionId}`;
}

/**
 * A portal API endpoint: a live session (cookie) or 401; on a state-changing method the session's
 * CSRF token in `X-CSRF-Token` or 403; the tenant is the session's, never one named by the request.
 * A successful change is recorded in the tenant's audit trail with the session as its actor.
 */
export function portalApi(name: string, operation: PortalOperation): HttpHandler {
  return (request, context) =>
    pipeline(name, request, context, async (scope, correlationId) => {
      const current = services();
      const secret = sessionCookie(request);
      const session = await current.portalSessions.resume(secret);
      if (session === undefined || secret === undefined) throw unauthenticated();
      scope.credentialId = portalCredentialId(session.sessionId);
      const changing = !SAFE_METHODS.has(request.method);
      if (changing && !sameCsrfToken(secret, request.headers.get(CSRF_HEADER) ?? undefined)) {
        throw new ApiError(403, "csrf", "The X-CSRF-Token header is missing or wrong: reload the page.");
      }
      const result = await operation({ request, session, services: current, context });
      if (changing && (result.status ?? 200) < 300) {
        const action = `${request.method} ${new URL(request.url).pathname}`;
        await current.auditLog.append(
          session.tenantId,
          auditRecord(
            "portalAction",
            "Portal",
            name,
            [{ attribute: "request", after: action }],
            new Date().toISOString(),
          ),
        );
      }
      return { response: respond(result, correlationId), tenantId: session.tenantId };
    });
}

/** A portal endpoint used before there is a session (signing in with a setup link). */
export function portalPublicApi(name: string, operation: PortalPublicOperation): HttpHandler {
  return (request, context) =>
    pipeline(name, request, context, async (scope, correlationId) => {
      const result = await operation({ request, services: services(), scope });
      return {
        response: respond(result, correlationId),
        ...(result.tenantId ? { tenantId: result.tenantId } : {}),
      };
    });
}
