import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hashToken } from "../tokens";
import { isValidTenantId } from "../tenantId";

/**
 * Setup-link and session secrets name their tenant in clear before a 256-bit random part
 * (`<tenantId>.<random>`): the server finds the row with one point read in that tenant's partition,
 * and a secret edited to name another tenant matches nothing there.
 */
export function newTenantSecret(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString("base64url")}`;
}

const SECRET_PART = /^[A-Za-z0-9_-]{43}$/;

/** The tenant and hash of a well-formed secret; undefined for anything else (no storage read). */
export function parseTenantSecret(secret: string): { tenantId: string; hash: string } | undefined {
  if (secret.length > 120) return undefined;
  const dot = secret.lastIndexOf(".");
  const tenantId = secret.slice(0, dot);
  if (dot < 1 || !isValidTenantId(tenantId) || !SECRET_PART.test(secret.slice(dot + 1))) return undefined;
  return { tenantId, hash: hashToken(secret) };
}

/** A short public name for a row keyed by a hash: never enough to find the secret. */
export function shortId(hash: string): string {
  return hash.slice(0, 16);
}

/**
 * The session's CSRF token: derived from the session secret (an HMAC), so every instance computes the
 * same one without storing it, and a page that cannot read the session's answers cannot know it.
 */
export function csrfTokenOf(sessionSecret: string): string {
  return createHmac("sha256", sessionSecret).update("portal-csrf").digest("base64url");
}

export function sameCsrfToken(sessionSecret: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(sessionSecret));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
