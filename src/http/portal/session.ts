import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { ApiError } from "../../events/apiError";
import { parseTenantSecret } from "../../tenants/portal/portalSecrets";
import type { PortalSession } from "../../tenants/portal/portalSessions";
import { jsonBody } from "../jsonBody";
import {
  portalCredentialId,
  unauthenticated,
  type PortalOperation,
  type PortalPublicOperation,
} from "./portalEndpoint";
import { clearSessionCookie, sessionCookie, setSessionCookie } from "./sessionCookie";

const signInSchema = z.object({ link: z.string().min(1).max(200) });

export function tenantUrlOf(request: HttpRequest, tenantId: string): string {
  return `${new URL(request.url).origin}/scim/v2/${tenantId}`;
}

function sessionBody(request: HttpRequest, session: PortalSession) {
  return {
    tenantId: session.tenantId,
    tenantUrl: tenantUrlOf(request, session.tenantId),
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
    idleTimeoutSeconds: session.idleTimeoutSeconds,
  };
}

/**
 * POST /portal/api/session `{"link"}`: uses the setup link (once) and starts a session for its
 * tenant. Every reason a link does not work gets the same 401, so a guess learns nothing.
 */
export const startSession: PortalPublicOperation = async ({ request, services, scope }) => {
  const { link } = await jsonBody(request, signInSchema);
  const target = parseTenantSecret(link);
  if (target === undefined) throw unauthenticated();
  const pending = services.portalSessions.prepare(target.tenantId);
  scope.credentialId = portalCredentialId(pending.sessionId);
  const used = await services.setupLinks.consume(link, pending.sessionId);
  if (used === undefined) {
    throw unauthenticated();
  }
  const session = await services.portalSessions.start(pending, used.linkId);
  const maxAge = Math.max(0, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
  return {
    tenantId: session.tenantId,
    body: sessionBody(request, session),
    headers: { "Set-Cookie": setSessionCookie(request, pending.secret, maxAge) },
  };
};

/** GET /portal/api/session: the session's view (a page reload); DELETE signs out. */
export const currentSession: PortalOperation = async ({ request, session, services }) => {
  if (request.method === "GET") return { body: sessionBody(request, session) };
  const secret = sessionCookie(request);
  if (secret !== undefined) await services.portalSessions.end(secret);
  return { status: 204, headers: { "Set-Cookie": clearSessionCookie(request) } };
};

/** Any other path under /portal/api/: a JSON 404 with the portal's headers, before any session check. */
export const apiNotFound: PortalPublicOperation = () =>
  Promise.reject(new ApiError(404, "notFound", "No portal API at this path."));
