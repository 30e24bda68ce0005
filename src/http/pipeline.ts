import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { ApiError } from "../events/apiError";
import { inRequestScope, type RequestScope } from "../lib/requestScope";
import { ScimError, UNSUPPORTED_STATUS } from "../scim/errors";
import { STORAGE_RETRY_AFTER_SECONDS } from "../service/storageUnavailable";
import { markUnauthenticated, observeScimRequest, type ScimRequestObservation } from "../telemetry";
import { isValidTenantId } from "../tenants/tenantId";
import { correlationIdOf } from "./correlationId";

/** What a thrown error means to the caller, whatever surface answers it. */
export interface Failure {
  /** What the work threw. */
  readonly error: unknown;
  readonly status: number;
  /** Safe to show: the error's own words for a known error, a fixed sentence for any other. */
  readonly detail: string;
  /** The SCIM error type (RFC 7644 §3.12) of a ScimError. */
  readonly scimType?: string;
  /** The stable code of an error that carries one (the application API's, OAuth's). */
  readonly code?: string;
  /** Sent as Retry-After: a 503 always says when to come back, a 429 says its own. */
  readonly retryAfterSeconds?: number;
  /** False for an error no rule expects (a fault): it is logged with the error and answered 500. */
  readonly known: boolean;
}

/** The one error mapping: every surface's error response starts from this. */
export function failureOf(error: unknown): Failure {
  if (error instanceof ScimError || error instanceof ApiError) {
    const status = error.status;
    const retryAfter =
      (error instanceof ScimError ? error.retryAfterSeconds : undefined) ??
      (status === 503 ? STORAGE_RETRY_AFTER_SECONDS : undefined);
    return {
      error,
      status,
      known: true,
      ...(error instanceof ScimError
        ? { detail: error.detail, ...(error.scimType ? { scimType: error.scimType } : {}) }
        : { detail: error.message, code: error.code }),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    };
  }
  return { error, status: 500, detail: "An unexpected error occurred.", known: false };
}

/** An error response, and the code it tells the client (for the log line and telemetry). */
export interface FormattedError {
  readonly response: HttpResponseInit;
  readonly code?: string;
}

/**
 * One kind of endpoint: SCIM, OAuth token, operator (ops), application API, health. Each answers errors
 * in its own body format; everything else a request goes through is the pipeline's.
 */
export interface Surface {
  /** The log line's `event`, e.g. `scim.request`. */
  readonly event: string;
  /** This surface's error body and headers for a failure (`X-Correlation-Id` is added by the pipeline). */
  formatError(failure: Failure, correlationId: string): FormattedError;
  /** Reported to telemetry as a SCIM or token request (Application Insights request tags and events). */
  readonly telemetry: boolean;
  /**
   * Unexpected errors are logged with only their name, not their message or stack: for a surface whose
   * requests carry secrets in the body (the token endpoint) a library's message might quote one.
   */
  readonly quietErrors?: boolean;
}

/** What the pipeline gives a surface's work for one request. */
export interface PipelineCall {
  readonly correlationId: string;
  readonly context: InvocationContext;
  /** The request's scope (credential id, storage round trips), also reachable through requestScope(). */
  readonly scope: RequestScope;
  /** The request's credential is none the tenant issued: tagged apart in the log and telemetry. */
  markUnauthenticated(): void;
  /** Adds fields to the request's log line (never a secret or a body). */
  note(fields: Record<string, unknown>): void;
  /** Runs once the response is final and logged (counters, a debug line); never fails the request. */
  afterResponse(work: (response: HttpResponseInit, failure: Failure | undefined) => void): void;
}

export type PipelineWork = (request: HttpRequest, call: PipelineCall) => Promise<HttpResponseInit>;

/** The fields every request's log line has, on every surface. */
export const LOG_LINE_FIELDS = [
  "event",
  "correlationId",
  "tenantId",
  "method",
  "route",
  "status",
  "durationMs",
  "storageRoundTrips",
] as const;

/** The log line's fields the pipeline writes (some only when they apply); a surface's notes never replace one. */
const COMMON_FIELDS = new Set<string>([
  ...LOG_LINE_FIELDS,
  "storageRowsRead",
  "storageKeysRead",
  "bodyStreamed",
  "scimType",
  "error",
  "unauthenticated",
]);

const unobserved: ScimRequestObservation = {
  failed: () => undefined,
  tagError: () => undefined,
  finish: () => Promise.resolve(),
};

function withCorrelationId(response: HttpResponseInit, correlationId: string): HttpResponseInit {
  response.headers = { ...(response.headers as Record<string, string>), "X-Correlation-Id": correlationId };
  return response;
}

/**
 * The one request pipeline every HTTP endpoint goes through: a correlation id by one rule (the caller's
 * when safe, else a new one) on every response; a request scope for the audit trail and the storage
 * round-trip count; every failure mapped by `failureOf` and answered in the surface's format; one log
 * line per request in one shape (never a token or a body); telemetry for the surfaces that report it.
 */
export function pipeline(surface: Surface, route: string, work: PipelineWork): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const correlationId = correlationIdOf(request);
    const started = Date.now();
    const tenantId = request.params.tenantId;
    const observation = surface.telemetry ? observeScimRequest(request, route) : unobserved;
    const scope: RequestScope = { correlationId, storageRoundTrips: 0 };
    const fields: Record<string, unknown> = {};
    const after: ((response: HttpResponseInit, failure: Failure | undefined) => void)[] = [];
    // Set while the work runs (inside closures), read once the response is final.
    const outcome: { failure?: Failure; errorCode?: string; unauthenticated: boolean } = {
      unauthenticated: false,
    };
    const call: PipelineCall = {
      correlationId,
      context,
      scope,
      markUnauthenticated: () => {
        outcome.unauthenticated = true;
      },
      note: (more) => {
        // A surface adds fields; it never overwrites one of the common shape.
        for (const [name, value] of Object.entries(more)) if (!COMMON_FIELDS.has(name)) fields[name] = value;
      },
      afterResponse: (next) => after.push(next),
    };
    const response = await inRequestScope(scope, async () => {
      try {
        return await work(request, call);
      } catch (error) {
        const failure = failureOf(error);
        outcome.failure = failure;
        if (!failure.known) {
          context.error("Unhandled error", surface.quietErrors ? describeQuietly(error) : error);
        }
        const formatted = surface.formatError(failure, correlationId);
        outcome.errorCode = formatted.code;
        if (formatted.code === undefined) observation.failed(error);
        else observation.tagError(formatted.code);
        return formatted.response;
      }
    });
    withCorrelationId(response, correlationId);
    const { failure, unauthenticated } = outcome;
    if (unauthenticated) markUnauthenticated(response);
    const durationMs = Date.now() - started;
    context.log(
      JSON.stringify(
        logLine(surface, route, request, tenantId, response, scope, durationMs, outcome, fields),
      ),
    );
    for (const next of after) {
      try {
        next(response, failure);
      } catch (error) {
        context.error("After-response step failed", error);
      }
    }
    await observation.finish(response, {
      tenantId: tenantId ?? "",
      correlationId,
      durationMs,
      storageRoundTrips: scope.storageRoundTrips,
    });
    return response;
  };
}

/** The request's one log line: the common fields (some only when they apply), then the surface's notes. */
function logLine(
  surface: Surface,
  route: string,
  request: HttpRequest,
  tenantId: string | undefined,
  response: HttpResponseInit,
  scope: RequestScope,
  durationMs: number,
  outcome: { failure?: Failure; errorCode?: string; unauthenticated: boolean },
  fields: Record<string, unknown>,
): Record<string, unknown> {
  // Filled field by field (not spread from small objects): every request writes one.
  const line: Record<string, unknown> = {
    event: surface.event,
    correlationId: scope.correlationId,
    tenantId: tenantId === undefined || isValidTenantId(tenantId) ? tenantId : "(invalid)",
    method: request.method,
    route,
    status: response.status ?? 200,
    durationMs,
    storageRoundTrips: scope.storageRoundTrips,
  };
  if (scope.storageRowsRead !== undefined) line.storageRowsRead = scope.storageRowsRead;
  if (scope.storageKeysRead !== undefined) line.storageKeysRead = scope.storageKeysRead;
  // A streamed body (a group's members) reads storage after this line: its reads are not counted.
  if (response.body !== undefined && typeof response.body !== "string") line.bodyStreamed = true;
  if (outcome.failure?.scimType) line.scimType = outcome.failure.scimType;
  if (outcome.errorCode) line.error = outcome.errorCode;
  if (outcome.unauthenticated) line.unauthenticated = true;
  // A feature the client asked for and we do not offer: not a server error.
  if (response.status === UNSUPPORTED_STATUS) line.outcome = "unsupported";
  return Object.keys(fields).length === 0 ? line : { ...line, ...fields };
}

function describeQuietly(error: unknown): string {
  return error instanceof Error ? error.name : "unknown error";
}
