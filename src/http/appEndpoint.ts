import { randomUUID } from "node:crypto";
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { services, type Services } from "../app/services";
import { ApiError } from "../events/apiError";
import { ScimError } from "../scim/errors";
import { STORAGE_RETRY_AFTER_SECONDS } from "../service/storageUnavailable";
import { isValidTenantId } from "../tenants/tenantId";

export interface AppCall {
  readonly request: HttpRequest;
  readonly tenantId: string;
  readonly services: Services;
}

/** What an application API operation answers: a JSON body, or a body streamed while it is sent. */
export interface AppResult {
  readonly status?: number;
  readonly body: unknown;
  readonly stream?: AsyncIterable<Uint8Array>;
}

export type AppOperation = (call: AppCall) => Promise<AppResult>;

const HEADERS = {
  "Content-Type": "application/json",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

const SCIM_STATUS_CODES: Record<number, string> = {
  400: "invalid_request",
  404: "not_found",
  413: "too_large",
  503: "unavailable",
};

function bearerToken(request: HttpRequest): string | undefined {
  return /^bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ScimError) {
    return new ApiError(error.status, SCIM_STATUS_CODES[error.status] ?? "error", error.detail);
  }
  return new ApiError(500, "internal_error", "An unexpected error occurred.");
}

function errorResponse(error: ApiError, correlationId: string): HttpResponseInit {
  const headers: Record<string, string> = { ...HEADERS, "X-Correlation-Id": correlationId };
  if (error.status === 503) headers["Retry-After"] = String(STORAGE_RETRY_AFTER_SECONDS);
  if (error.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="app"';
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ error: { code: error.code, message: error.message, correlationId } }),
  };
}

/**
 * The application API's edge: the tenant in the route, an app key of that tenant (never a SCIM
 * credential), JSON errors with a stable code, and one log line per request (never the key).
 */
export function appEndpoint(name: string, operation: AppOperation): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const correlationId = request.headers.get("x-correlation-id")?.slice(0, 64) ?? randomUUID();
    const started = Date.now();
    const tenantId = request.params.tenantId ?? "";
    let response: HttpResponseInit;
    try {
      const current = services();
      const keyId = isValidTenantId(tenantId)
        ? await current.authenticator.identifyAppKey(tenantId, bearerToken(request))
        : undefined;
      if (keyId === undefined) {
        throw new ApiError(401, "unauthorized", "The app key is missing or not valid for this tenant.");
      }
      const result = await operation({ request, tenantId, services: current });
      response = {
        status: result.status ?? 200,
        headers: { ...HEADERS, "X-Correlation-Id": correlationId },
        body: result.stream ?? JSON.stringify(result.body),
      };
    } catch (error) {
      const failure = asApiError(error);
      if (failure.status >= 500 && !(error instanceof ScimError)) context.error("Unhandled error", error);
      response = errorResponse(failure, correlationId);
    }
    context.log(
      JSON.stringify({
        event: "app.request",
        correlationId,
        tenantId,
        method: request.method,
        route: name,
        status: response.status,
        durationMs: Date.now() - started,
      }),
    );
    return response;
  };
}
