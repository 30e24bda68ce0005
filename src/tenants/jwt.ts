import { compactVerify, decodeProtectedHeader, errors, SignJWT, type JWTPayload } from "jose";

/**
 * The access tokens this service issues: compact HS256 JWTs (RFC 7519), signed and verified with
 * `jose`. Verification accepts HS256 only, so there is no algorithm to negotiate ("alg": "none",
 * RS/HS confusion).
 */

export type Claims = JWTPayload;

const ALGORITHM = "HS256";

function keyOf(secret: string): Uint8Array {
  return Buffer.from(secret, "base64url");
}

/**
 * Strict base64url: only the one spelling that encodes the bytes. Decoders ignore the spare low
 * bits of the last character (and padding), so a 32-byte signature would have four spellings.
 */
function isCanonicalBase64url(part: string): boolean {
  return Buffer.from(part, "base64url").toString("base64url") === part;
}

/** Looks like a JWT (three base64url parts); Secret Tokens never do. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** The `kid` of a well-formed HS256 JWT header (every part canonical), before its signature is checked. */
export function jwtKeyId(token: string): string | undefined {
  if (!looksLikeJwt(token) || !token.split(".").every(isCanonicalBase64url)) return undefined;
  try {
    const header = decodeProtectedHeader(token);
    return header.alg === ALGORITHM && typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

export function signJwt(claims: Claims, kid: string, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, typ: "JWT", kid }).sign(keyOf(secret));
}

/**
 * The claims if the token is well formed (see jwtKeyId) and its signature is right; no claim is
 * checked here. Only jose's own verdicts mean "not valid": anything else is a fault and is thrown.
 */
export async function verifyJwtSignature(token: string, secret: string): Promise<Claims | undefined> {
  if (jwtKeyId(token) === undefined) return undefined;
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, keyOf(secret), { algorithms: [ALGORITHM] }));
  } catch (error) {
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload).toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims)
      ? (claims as Claims)
      : undefined;
  } catch {
    return undefined;
  }
}
