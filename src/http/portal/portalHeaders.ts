/** The page's policy: nothing but this origin, no framing, no inline script or style. */
export const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** On every portal response, the page's files and the JSON API alike. */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": PORTAL_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export const PORTAL_API_HEADERS: Readonly<Record<string, string>> = {
  ...PORTAL_SECURITY_HEADERS,
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
};
