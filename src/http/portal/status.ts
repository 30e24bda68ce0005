import { z } from "zod";
import { ApiError } from "../../events/apiError";
import { statusView } from "../../diagnostics/statusView";
import type { AuditRecord } from "../../service/audit";
import { queryParam } from "../query";
import { jsonBody } from "../jsonBody";
import type { PortalOperation } from "./portalEndpoint";

const MAX_AUDIT_PAGE = 100;
const DEFAULT_AUDIT_PAGE = 20;
const MAX_DEBUG_MINUTES = 240;
const DEFAULT_DEBUG_MINUTES = 30;

const debugSchema = z.object({
  enabled: z.boolean(),
  minutes: z.number().int().min(1).max(MAX_DEBUG_MINUTES).optional(),
});

const ACTOR_KINDS: Readonly<Record<string, string>> = {
  portal: "portal session",
  token: "Secret Token",
  client: "OAuth client",
  trust: "federation trust",
  appkey: "app key",
};

/** Who made a change, in words: the credential (never its value), or the operator's CLI. */
function actorOf(credentialId: string | undefined): string {
  if (credentialId === undefined) return "operator";
  const colon = credentialId.indexOf(":");
  const kind = ACTOR_KINDS[credentialId.slice(0, colon)];
  return kind === undefined ? credentialId : `${kind} ${credentialId.slice(colon + 1)}`;
}

function auditView(record: AuditRecord) {
  return {
    time: record.time,
    actor: actorOf(record.credentialId),
    action: record.operation,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    changes: record.changes,
    ...(record.correlationId ? { correlationId: record.correlationId } : {}),
  };
}

/** GET /portal/api/status: the last hour and day by outcome, the last failures with their fixes, the outlook. */
export const status: PortalOperation = async ({ session, services }) => {
  const { summary, windows, now } = await services.requestStats.report(session.tenantId);
  return { body: statusView(summary, windows, now) };
};

/** GET /portal/api/audit?count=&cursor=: the tenant's audit trail, newest first, a page at a time. */
export const audit: PortalOperation = async ({ request, session, services }) => {
  const countText = queryParam(request.query, "count");
  const count = countText === undefined ? DEFAULT_AUDIT_PAGE : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > MAX_AUDIT_PAGE) {
    throw new ApiError(400, "invalid_parameter", `count must be a whole number from 1 to ${MAX_AUDIT_PAGE}.`);
  }
  const cursor = queryParam(request.query, "cursor");
  if (cursor !== undefined && cursor.length > 512)
    throw new ApiError(400, "invalid_parameter", "cursor is not valid.");
  const page = await services.auditLog.list(session.tenantId, {
    limit: count,
    ...(cursor ? { cursor } : {}),
  });
  return { body: { records: page.records.map(auditView), ...(page.next ? { next: page.next } : {}) } };
};

/** GET /portal/api/debug; PUT `{enabled, minutes?}` logs the tenant's bodies (secrets masked) for a while. */
export const debug: PortalOperation = async ({ request, session, services }) => {
  if (request.method === "PUT") {
    const { enabled, minutes } = await jsonBody(request, debugSchema);
    const until = enabled ? new Date(Date.now() + (minutes ?? DEFAULT_DEBUG_MINUTES) * 60_000) : undefined;
    await services.tenants.setDebugUntil(session.tenantId, until);
  }
  const tenant = await services.tenants.get(session.tenantId);
  const until = tenant?.debugUntil ? Date.parse(tenant.debugUntil) : 0;
  const enabled = until > Date.now();
  return { body: { enabled, expiresAt: enabled ? new Date(until).toISOString() : null } };
};
