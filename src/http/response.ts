import type { HttpResponseInit } from "@azure/functions";
import { ScimError } from "../scim/errors";
import { ERROR_SCHEMA } from "../scim/schema/urns";
import { STORAGE_RETRY_AFTER_SECONDS } from "../service/storageUnavailable";

export const SCIM_CONTENT_TYPE = "application/scim+json";

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

export function errorBody(status: number, detail: string, scimType?: string): Record<string, unknown> {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/**
 * Every failure leaves as a SCIM Error. The correlation id goes into `detail` because Entra copies
 * the response body into its provisioning log, where an admin can quote it to the operator.
 */
export function errorResponse(error: unknown, correlationId: string): HttpResponseInit {
  const known = error instanceof ScimError ? error : undefined;
  const status = known?.status ?? 500;
  const detail = known?.detail ?? "An unexpected error occurred.";
  const headers: Record<string, string> = { "X-Correlation-Id": correlationId };
  // A 503 (storage fault or write contention) is transient: say when to come back.
  if (status === 503) headers["Retry-After"] = String(STORAGE_RETRY_AFTER_SECONDS);
  if (known?.retryAfterSeconds !== undefined) headers["Retry-After"] = String(known.retryAfterSeconds);
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="scim"';
  return scimResponse(
    status,
    errorBody(status, `${detail} (correlation id ${correlationId})`, known?.scimType),
    headers,
  );
}
