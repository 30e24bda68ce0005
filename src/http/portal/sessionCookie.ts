import type { HttpRequest } from "@azure/functions";

const SESSION_COOKIE = "portal_session";

/** The session cookie's value, if the request carries one. */
export function sessionCookie(request: HttpRequest): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return undefined;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * `Secure` everywhere except plain http on this machine (`npm run dev`), where a browser would drop
 * a Secure cookie. In Azure every request arrives as https, so the cookie is always Secure there.
 */
function secureFor(request: HttpRequest): boolean {
  const url = new URL(request.url);
  return !(url.protocol === "http:" && LOOPBACK.has(url.hostname));
}

function cookie(request: HttpRequest, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/portal",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secureFor(request)) attributes.push("Secure");
  return attributes.join("; ");
}

/** The session cookie: only the portal's paths, never readable by script, never sent cross-site. */
export function setSessionCookie(request: HttpRequest, value: string, maxAgeSeconds: number): string {
  return cookie(request, value, maxAgeSeconds);
}

export function clearSessionCookie(request: HttpRequest): string {
  return cookie(request, "", 0);
}
