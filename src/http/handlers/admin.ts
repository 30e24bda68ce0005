import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AppServices } from "../../app/composition";
import { parseSince } from "../../diagnostics/since";
import { notFound, ScimError } from "../../scim/errors";
import { hashToken, sameHash } from "../../tenants/tokens";
import { isValidTenantId } from "../../tenants/tenantId";
import { bearerToken } from "../bearer";
import { queryParam } from "../query";
import type { Surface } from "../pipeline";
import { scimErrorResponse, scimResponse } from "../response";

const MAX_AUDIT_PAGE = 200;

/** The operator's endpoints (/ops/...): errors as SCIM Error bodies, like the SCIM endpoints beside them. */
export const opsSurface: Surface = {
  event: "ops.request",
  telemetry: false,
  formatError: (failure, correlationId) => ({ response: scimErrorResponse(failure, correlationId) }),
};

/** GET /health: unauthenticated; a failure (none is expected) is a SCIM Error like the rest. */
export const healthSurface: Surface = { ...opsSurface, event: "health.request" };

/** An operator endpoint's work, once the admin token and the tenant are checked. */
export type OpsOperation = (
  services: AppServices,
  request: HttpRequest,
  tenantId: string,
) => Promise<unknown>;

/**
 * The operator's token, checked against ADMIN_TOKEN_SHA256: admin endpoints are protected apart
 * from every tenant's SCIM credentials, and do not exist at all while no admin token is set.
 */
function authorizeAdmin(services: AppServices, request: HttpRequest): void {
  const expected = services.config.ADMIN_TOKEN_SHA256;
  if (expected === undefined) throw notFound("Admin endpoints are not enabled (set ADMIN_TOKEN_SHA256).");
  const token = bearerToken(request);
  if (token === undefined || !sameHash(hashToken(token), expected)) {
    throw new ScimError(401, "The admin token is missing or wrong.");
  }
}

/** The operator endpoint's work: admin token, then the tenant, then the operation's JSON answer. */
export function opsWork(
  services: AppServices,
  operation: OpsOperation,
): (request: HttpRequest) => Promise<HttpResponseInit> {
  return async (request) => {
    authorizeAdmin(services, request);
    const tenantId = request.params.tenantId ?? "";
    if (!isValidTenantId(tenantId) || !(await services.tenants.exists(tenantId))) {
      throw notFound(`No tenant '${tenantId}'.`);
    }
    return scimResponse(200, await operation(services, request, tenantId));
  };
}

/** GET /ops/tenants/{tenantId}/audit?since=2h&resourceId=…&count=50&cursor=…: newest first. */
export const getAudit: OpsOperation = async (services, request, tenantId) => {
  const count = Math.min(Math.max(1, Number(queryParam(request.query, "count") ?? 50) || 50), MAX_AUDIT_PAGE);
  const since = parseSince(queryParam(request.query, "since"), new Date());
  const resourceId = queryParam(request.query, "resourceId");
  const cursor = queryParam(request.query, "cursor");
  return services.auditLog.list(tenantId, {
    limit: count,
    ...(since ? { since } : {}),
    ...(resourceId ? { resourceId } : {}),
    ...(cursor ? { cursor } : {}),
  });
};

/** GET /ops/tenants/{tenantId}/summary: requests and failures of the last hour and day, and the outlook. */
export const getSummary: OpsOperation = (services, _request, tenantId) =>
  services.requestStats.summary(tenantId);

/** GET /health: storage and credential-store reachability; no auth, no tenant data. */
export async function getHealth(services: AppServices): Promise<HttpResponseInit> {
  const report = await services.health.report();
  return {
    status: report.status === "ok" ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    body: JSON.stringify(report),
  };
}
