import { z } from "zod";
import { lastUsedByCredential } from "../../diagnostics/stats";
import { ApiError } from "../../events/apiError";
import type { CredentialSummary } from "../../tenants/tenantAdmin";
import { jsonBody } from "../jsonBody";
import type { PortalCall, PortalOperation } from "./portalEndpoint";
import { routeId } from "./portalIds";
import { newClient, newToken } from "./newSecrets";

const rotateSchema = z.object({ graceDays: z.number().int().min(0).max(30).optional() });

type Kind = "token" | "client";

interface CredentialView {
  readonly id: string;
  readonly kind: Kind;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly state: CredentialSummary["status"];
  /** When an expiring token (a rotation's previous one) stops working. */
  readonly graceEndsAt?: string;
  /** Its last request within the last day (the request counters keep a day); null: none in that day. */
  readonly lastUsedAt: string | null;
}

function view(kind: Kind, item: CredentialSummary, lastUsed: ReadonlyMap<string, string>): CredentialView {
  return {
    id: item.id,
    kind,
    createdAt: item.created,
    ...(item.expiresAt ? { expiresAt: item.expiresAt } : {}),
    state: item.status,
    ...(kind === "token" && item.status === "expiring" && item.expiresAt
      ? { graceEndsAt: item.expiresAt }
      : {}),
    lastUsedAt: lastUsed.get(`${kind}:${item.id}`) ?? null,
  };
}

async function credentialList({ session, services }: PortalCall): Promise<CredentialView[]> {
  const [{ tokens, clients }, { windows }] = await Promise.all([
    services.tenants.credentialSummaries(session.tenantId),
    services.requestStats.report(session.tenantId),
  ]);
  const lastUsed = lastUsedByCredential(windows);
  return [
    ...tokens.map((item) => view("token", item, lastUsed)),
    ...clients.map((item) => view("client", item, lastUsed)),
  ].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function find(call: PortalCall): Promise<CredentialView> {
  const id = routeId(call.request.params, "credential");
  const found = (await credentialList(call)).find((item) => item.id === id);
  if (found === undefined) throw new ApiError(404, "notFound", `No credential '${id}' in this tenant.`);
  return found;
}

/** GET /portal/api/credentials: tokens and OAuth clients, never a secret. */
export const listCredentials: PortalOperation = async (call) => ({
  body: await credentialList(call),
});

/**
 * POST /portal/api/credentials/{id}/rotate: a token is replaced by a new one and every earlier token
 * keeps working for the grace period; a client gets a new client beside it (the old one works until
 * it is revoked or expires). The new secret is in this answer only.
 */
export const rotateCredential: PortalOperation = async (call) => {
  const { request } = call;
  if (request.params.action !== "rotate")
    throw new ApiError(404, "notFound", "No such credential operation.");
  const old = await find(call);
  const { graceDays } = await jsonBody(request, rotateSchema);
  if (old.kind === "token") {
    return { status: 201, body: { ...(await newToken(call, graceDays)), replaces: old.id } };
  }
  const client = await newClient(call);
  // The old client keeps working until it is revoked or expires: that is its grace.
  const grace = old.expiresAt ? { graceEndsAt: old.expiresAt } : {};
  return { status: 201, body: { ...client, replaces: old.id, ...grace } };
};

/** DELETE /portal/api/credentials/{id}: the token or client stops working now. */
export const revokeCredential: PortalOperation = async (call) => {
  const { session, services } = call;
  const found = await find(call);
  if (found.kind === "token") await services.tenants.revokeTokens(session.tenantId, found.id);
  else await services.tenants.revokeClient(session.tenantId, found.id);
  services.authenticator.forget(session.tenantId);
  return { status: 204 };
};
