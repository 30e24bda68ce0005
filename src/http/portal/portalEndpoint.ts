import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { AppServices } from "../../app/composition";
import { ApiError } from "../../events/apiError";
import type { RequestScope } from "../../lib/requestScope";
import { auditRecord } from "../../service/audit";
import { TrustError } from "../../tenants/federation/trusts";
import { sameCsrfToken } from "../../tenants/portal/portalSecrets";
import type { PortalSession } from "../../tenants/portal/portalSessions";
import { TenantAdminError } from "../../tenants/tenantAdmin";
import { pipeline, type Failure, type FormattedError, type PipelineCall, type Surface } from "../pipeline";
import { PORTAL_API_HEADERS } from "./portalHeaders";
import { sessionCookie } from "./sessionCookie";

/** What a portal operation gets: the session (its tenant is the only tenant it may touch). */
export interface PortalCall {
  readonly request: HttpRequest;
  readonly session: PortalSession;
  readonly services: AppServices;
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
  readonly services: AppServices;
  readonly scope: RequestScope;
}

export type PortalPublicOperation = (call: PortalPublicCall) => Promise<PortalResult & { tenantId?: string }>;

const SAFE_METHODS = new Set(["GET", "HEAD"]);
const CSRF_HEADER = "x-csrf-token";

/** The HTTP status of a refused tenant operation, by its reason. */
const ADMIN_ERROR_STATUS = { invalid: 400, notFound: 404, conflict: 409 } as const;

/** The services' own refusals (not HTTP errors) as the API's: 400, 404 or 409 with their words. */
export function asApiError(error: unknown): unknown {
  if (error instanceof TenantAdminError) {
    return new ApiError(ADMIN_ERROR_STATUS[error.reason], error.reason, error.message);
  }
  if (error instanceof TrustError) {
    return /^No trust/.test(error.message)
      ? new ApiError(404, "notFound", error.message)
      : new ApiError(400, "invalid", error.message);
  }
  return error;
}

export function unauthenticated(): ApiError {
  return new ApiError(401, "unauthenticated", "No portal session: open a new setup link from your operator.");
}

function respond(result: PortalResult): HttpResponseInit {
  return {
    status: result.status ?? 200,
    headers: { ...PORTAL_API_HEADERS, ...result.headers },
    ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
  };
}

/** The portal's errors: `{"error":{"code","message","correlationId"}}` with the portal's headers. */
function formatPortalError(failure: Failure, correlationId: string): FormattedError {
  const code = failure.known
    ? (failure.code ?? (failure.status === 503 ? "unavailable" : "invalid"))
    : "internal_error";
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) headers["Retry-After"] = String(failure.retryAfterSeconds);
  return {
    code,
    response: respond({
      status: failure.status,
      headers,
      body: { error: { code, message: failure.detail, correlationId } },
    }),
  };
}

const portalSurface: Surface = {
  event: "portal.request",
  telemetry: false,
  formatError: formatPortalError,
};

/** The actor the audit trail names for a session's changes. */
export function portalCredentialId(sessionId: string): string {
  return `portal:${sessionId}`;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asApiError(error);
  }
}

/** The portal's work on the shared request pipeline; its log line names the tenant and the session. */
export function portalEndpoint(
  route: string,
  work: (request: HttpRequest, call: PipelineCall) => Promise<HttpResponseInit>,
): HttpHandler {
  return pipeline(portalSurface, route, (request, call) => guarded(() => work(request, call)));
}

/**
 * A portal API endpoint: a live session (cookie) or 401; on a state-changing method the session's
 * CSRF token in `X-CSRF-Token` or 403; the tenant is the session's, never one named by the request.
 * A successful change is recorded in the tenant's audit trail with the session as its actor.
 */
export function portalApi(services: AppServices, name: string, operation: PortalOperation): HttpHandler {
  return portalEndpoint(name, async (request, call) => {
    const secret = sessionCookie(request);
    const session = await services.portalSessions.resume(secret);
    if (session === undefined || secret === undefined) throw unauthenticated();
    call.scope.credentialId = portalCredentialId(session.sessionId);
    call.note({ tenantId: session.tenantId, credentialId: call.scope.credentialId });
    const changing = !SAFE_METHODS.has(request.method);
    if (changing && !sameCsrfToken(secret, request.headers.get(CSRF_HEADER) ?? undefined)) {
      throw new ApiError(403, "csrf", "The X-CSRF-Token header is missing or wrong: reload the page.");
    }
    const result = await operation({ request, session, services, context: call.context });
    if (changing && (result.status ?? 200) < 300) {
      const action = `${request.method} ${new URL(request.url).pathname}`;
      await services.auditLog.append(
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
    return respond(result);
  });
}

/** A portal endpoint used before there is a session (signing in with a setup link). */
export function portalPublicApi(
  services: AppServices,
  name: string,
  operation: PortalPublicOperation,
): HttpHandler {
  return portalEndpoint(name, async (request, call) => {
    const { tenantId, ...result } = await operation({ request, services, scope: call.scope });
    if (tenantId !== undefined) call.note({ tenantId, credentialId: call.scope.credentialId });
    return respond(result);
  });
}
