import { hash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_PREFIX = "scim_";
const CLIENT_SECRET_PREFIX = "scimcs_";
export const APP_KEY_PREFIX = "scimapp_";

/** A Secret Token: 256 random bits, base64url, with a prefix that secret scanners can spot. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** An OAuth client secret: 256 random bits, with its own prefix so the two are not confused. */
export function generateClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomBytes(32).toString("base64url");
}

/** An application's read key: its own prefix, so it is never mistaken for (or accepted as) a SCIM token. */
export function generateAppKey(): string {
  return APP_KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** An HMAC-SHA256 signing key: 256 random bits, base64url. */
export function generateSigningSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens are stored as SHA-256 hashes: they are random, so a slow hash would add nothing. */
export function hashToken(token: string): string {
  // One-shot (no Hash object): it runs for every request's bearer token.
  return hash("sha256", token, "hex");
}

/** Compares two hex hashes in constant time. */
export function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, "hex");
  const b = Buffer.from(right, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
