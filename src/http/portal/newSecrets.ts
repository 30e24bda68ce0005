import type { PortalCall } from "./portalEndpoint";
import { tenantUrlOf } from "./session";

/**
 * A new Secret Token as the portal answers it (the token in this answer only). The tenant's earlier
 * tokens keep working until `graceEndsAt`. This instance forgets its cached credentials at once.
 */
export async function newToken({ session, services }: PortalCall, graceDays: number | undefined) {
  const issued = await services.tenants.issueToken(session.tenantId, graceDays);
  services.authenticator.forget(session.tenantId);
  return { id: issued.tokenId, kind: "token" as const, token: issued.token, graceEndsAt: issued.graceEndsAt };
}

/** New OAuth client credentials as the portal answers them (the secret in this answer only). */
export async function newClient({ request, session, services }: PortalCall, years?: number) {
  const client = await services.tenants.createClient(session.tenantId, years);
  services.authenticator.forget(session.tenantId);
  const tokenEndpoint = `${tenantUrlOf(request, session.tenantId)}/oauth/token`;
  return { id: client.clientId, kind: "client" as const, ...client, tokenEndpoint };
}
