import type { HttpRequest } from "@azure/functions";

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1: the scheme in any letter
 * case), or undefined when the header is missing or holds anything else
 * (docs/entra-behaviour.md#the-secret-token-as-a-bearer-token).
 */
export function bearerToken(request: HttpRequest): string | undefined {
  return /^bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
}
