import type { HttpResponseInit } from "@azure/functions";
import { ERROR_SCHEMA } from "../scim/schema/urns";
import { failureOf, type Failure, type Surface } from "./pipeline";

const SCIM_CONTENT_TYPE = "application/scim+json";

const COMMON_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

export function scimResponse(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  if (body === undefined) return { status, headers: { ...COMMON_HEADERS, ...headers } };
  return {
    status,
    headers: { ...COMMON_HEADERS, "Content-Type": SCIM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

/** A SCIM response whose body is produced while it is sent (see streamedJson). */
export function scimStreamResponse(
  status: number,
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, headers: { ...COMMON_HEADERS, "Content-Type": SCIM_CONTENT_TYPE, ...headers }, body };
}

function errorBody(status: number, detail: string, scimType?: string): Record<string, unknown> {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/**
 * Every failure leaves as a SCIM Error. The correlation id goes into `detail` because Entra copies
 * the response body into its provisioning log, where an admin can quote it to the operator.
 */
export function scimErrorResponse(failure: Failure, correlationId: string): HttpResponseInit {
  const { status, detail, retryAfterSeconds } = failure;
  const headers: Record<string, string> = { "X-Correlation-Id": correlationId };
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="scim"';
  return scimResponse(
    status,
    errorBody(status, `${detail} (correlation id ${correlationId})`, failure.scimType),
    headers,
  );
}

/** A SCIM Error for anything thrown (also for requests the host refuses before any endpoint runs). */
export function errorResponse(error: unknown, correlationId: string): HttpResponseInit {
  return scimErrorResponse(failureOf(error), correlationId);
}

/** SCIM endpoints and the operator's endpoints: errors as SCIM Error bodies. */
export const scimSurface: Surface = {
  event: "scim.request",
  telemetry: true,
  formatError: (failure, correlationId) => ({ response: scimErrorResponse(failure, correlationId) }),
};
