import type { HttpHandler, HttpRequest } from "@azure/functions";
import type { AppServices } from "../app/composition";
import { ApiError } from "../events/apiError";
import { isValidTenantId } from "../tenants/tenantId";
import { bearerToken } from "./bearer";
import { pipeline, type Failure, type FormattedError, type Surface } from "./pipeline";

export interface AppCall {
  readonly request: HttpRequest;
  readonly tenantId: string;
  readonly services: AppServices;
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

/** The application API's JSON error: `{"error":{"code","message","correlationId"}}` with a stable code. */
function formatAppError(failure: Failure, correlationId: string): FormattedError {
  const { status } = failure;
  const code = failure.known ? (failure.code ?? SCIM_STATUS_CODES[status] ?? "error") : "internal_error";
  const headers: Record<string, string> = { ...HEADERS, "X-Correlation-Id": correlationId };
  if (failure.retryAfterSeconds !== undefined) headers["Retry-After"] = String(failure.retryAfterSeconds);
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="app"';
  return {
    code,
    response: {
      status,
      headers,
      body: JSON.stringify({ error: { code, message: failure.detail, correlationId } }),
    },
  };
}

const appSurface: Surface = { event: "app.request", telemetry: false, formatError: formatAppError };

/**
 * An application API endpoint on the request pipeline: the tenant in the route, an app key of that
 * tenant (never a SCIM credential), JSON errors with a stable code.
 */
export function appEndpoint(services: AppServices, route: string, operation: AppOperation): HttpHandler {
  return pipeline(appSurface, route, async (request) => {
    const tenantId = request.params.tenantId ?? "";
    const keyId = isValidTenantId(tenantId)
      ? await services.authenticator.identifyAppKey(tenantId, bearerToken(request))
      : undefined;
    if (keyId === undefined) {
      throw new ApiError(401, "unauthorized", "The app key is missing or not valid for this tenant.");
    }
    const result = await operation({ request, tenantId, services });
    return {
      status: result.status ?? 200,
      headers: { ...HEADERS },
      body: result.stream ?? JSON.stringify(result.body),
    };
  });
}
