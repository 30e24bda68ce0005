import { randomUUID } from "node:crypto";
import type { HttpRequest } from "@azure/functions";

/** Letters, digits and `.`, `_`, `:`, `-`: what request ids of common clients use (GUIDs, trace ids). */
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's correlation id: the caller's `x-correlation-id` (or `client-request-id`, which Microsoft
 * clients send) when it is short and made of safe characters, else a new UUID. An unsafe or over-long id
 * is replaced, never echoed or truncated: it goes into headers, log lines and error bodies.
 */
export function correlationIdOf(request: HttpRequest): string {
  for (const name of ["x-correlation-id", "client-request-id"]) {
    const offered = request.headers.get(name);
    if (offered !== null && SAFE_CORRELATION_ID.test(offered)) return offered;
  }
  return randomUUID();
}
