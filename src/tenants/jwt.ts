import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Compact HS256 JWTs (RFC 7519) with node:crypto: the only form this service issues and accepts.
 * The header is fixed, so there is no algorithm to negotiate ("alg": "none", RS/HS confusion).
 */

export type Claims = Readonly<Record<string, unknown>>;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function mac(input: string, secret: string): Buffer {
  return createHmac("sha256", Buffer.from(secret, "base64url")).update(input, "ascii").digest();
}

export function signJwt(claims: Claims, kid: string, secret: string): string {
  const input = `${encode({ alg: "HS256", typ: "JWT", kid })}.${encode(claims)}`;
  return `${input}.${mac(input, secret).toString("base64url")}`;
}

/**
 * Strict base64url: only the one spelling that encodes the bytes. Node's decoder ignores the spare
 * low bits of the last character (and padding), so a 32-byte signature would have four spellings.
 */
function decodeBase64url(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

function decodeJson(part: string): unknown {
  const bytes = decodeBase64url(part);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Looks like a JWT (three base64url parts); Secret Tokens never do. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** The `kid` of a well-formed HS256 JWT header, before its signature is checked. */
export function jwtKeyId(token: string): string | undefined {
  if (!looksLikeJwt(token)) return undefined;
  const header = decodeJson(token.split(".")[0] ?? "");
  if (!isObject(header) || header.alg !== "HS256" || typeof header.kid !== "string") return undefined;
  if (Object.keys(header).some((name) => !["alg", "typ", "kid"].includes(name))) return undefined;
  return header.kid;
}

/** The claims if the signature is right (compared in constant time); no claim is checked here. */
export function verifyJwtSignature(token: string, secret: string): Claims | undefined {
  if (jwtKeyId(token) === undefined) return undefined;
  const [header = "", payload = "", signature = ""] = token.split(".");
  const expected = mac(`${header}.${payload}`, secret);
  const given = decodeBase64url(signature);
  if (given?.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = decodeJson(payload);
  return isObject(claims) ? claims : undefined;
}
