import type { HttpHandler, HttpRequest, HttpResponseInit } from "@azure/functions";
import { services, type Services } from "../../app/services";
import { parseSince } from "../../diagnostics/since";
import { notFound, ScimError } from "../../scim/errors";
import { hashToken, sameHash } from "../../tenants/tokens";
import { isValidTenantId } from "../../tenants/tenantId";
import { bearerToken } from "../bearer";
import { queryParam } from "../query";
import { errorResponse, scimResponse } from "../response";

const MAX_AUDIT_PAGE = 200;

/**
 * The operator's token, checked against ADMIN_TOKEN_SHA256: admin endpoints are protected apart
 * from every tenant's SCIM credentials, and do not exist at all while no admin token is set.
 */
function authorizeAdmin(current: Services, request: HttpRequest): void {
  const expected = current.config.ADMIN_TOKEN_SHA256;
  if (expected === undefined) throw notFound("Admin endpoints are not enabled (set ADMIN_TOKEN_SHA256).");
  const token = bearerToken(request);
  if (token === undefined || !sameHash(hashToken(token), expected)) {
    throw new ScimError(401, "The admin token is missing or wrong.");
  }
}

function adminEndpoint(
  work: (current: Services, request: HttpRequest, tenantId: string) => Promise<unknown>,
): HttpHandler {
  return async (request): Promise<HttpResponseInit> => {
    try {
      const current = services();
      authorizeAdmin(current, request);
      const tenantId = request.params.tenantId ?? "";
      if (!isValidTenantId(tenantId) || !(await current.tenants.exists(tenantId))) {
        throw notFound(`No tenant '${tenantId}'.`);
      }
      return scimResponse(200, await work(current, request, tenantId));
    } catch (error) {
      return errorResponse(error, request.headers.get("x-correlation-id") ?? "admin");
    }
  };
}

/** GET /ops/tenants/{tenantId}/audit?since=2h&resourceId=…&count=50&cursor=…: newest first. */
export const getAudit = adminEndpoint(async (current, request, tenantId) => {
  const count = Math.min(Math.max(1, Number(queryParam(request.query, "count") ?? 50) || 50), MAX_AUDIT_PAGE);
  const since = parseSince(queryParam(request.query, "since"), new Date());
  const resourceId = queryParam(request.query, "resourceId");
  const cursor = queryParam(request.query, "cursor");
  return current.auditLog.list(tenantId, {
    limit: count,
    ...(since ? { since } : {}),
    ...(resourceId ? { resourceId } : {}),
    ...(cursor ? { cursor } : {}),
  });
});

/** GET /ops/tenants/{tenantId}/summary: requests and failures of the last hour and day, and the outlook. */
export const getSummary = adminEndpoint((current, _request, tenantId) =>
  current.requestStats.summary(tenantId),
);

/** GET /health: storage and credential-store reachability; no auth, no tenant data. */
export const getHealth: HttpHandler = async () => {
  const report = await services().health.report();
  return {
    status: report.status === "ok" ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    body: JSON.stringify(report),
  };
};
