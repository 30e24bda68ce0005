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

/** A refusal's body around its correlation id, and its headers but that id: made once per refusal. */
interface PrebuiltRefusal {
  readonly bodyStart: string;
  readonly bodyEnd: string;
  readonly headers: Readonly<Record<string, string>>;
}

const prebuiltRefusals = new WeakMap<object, PrebuiltRefusal>();

/**
 * A 429 is answered to a flood many times a second with the same reused error (see tenantThrottle):
 * its body and headers are made once, and each answer only joins its correlation id in. Correlation
 * ids are of characters JSON never escapes, so the body is byte for byte what JSON.stringify makes.
 */
function refusalResponse(failure: Failure, correlationId: string): HttpResponseInit {
  let prebuilt = prebuiltRefusals.get(failure.error as object);
  if (!prebuilt) {
    // `detail` is the body's last member: the body ends with the id, `)` and the closing `"}`.
    const open = JSON.stringify(errorBody(failure.status, `${failure.detail} (correlation id `));
    const bodyStart = open.slice(0, -2);
    const bodyEnd = ')"}';
    prebuilt = {
      bodyStart,
      bodyEnd,
      headers: {
        ...COMMON_HEADERS,
        "Content-Type": SCIM_CONTENT_TYPE,
        "Retry-After": String(failure.retryAfterSeconds),
      },
    };
    prebuiltRefusals.set(failure.error as object, prebuilt);
  }
  return {
    status: failure.status,
    headers: { ...prebuilt.headers, "X-Correlation-Id": correlationId },
    body: prebuilt.bodyStart + correlationId + prebuilt.bodyEnd,
  };
}

/**
 * Every failure leaves as a SCIM Error. The correlation id goes into `detail` because Entra copies
 * the response body into its provisioning log, where an admin can quote it to the operator.
 */
export function scimErrorResponse(failure: Failure, correlationId: string): HttpResponseInit {
  const { status, detail, retryAfterSeconds } = failure;
  if (status === 429 && retryAfterSeconds !== undefined && failure.scimType === undefined)
    return refusalResponse(failure, correlationId);
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
