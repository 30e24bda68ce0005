import { randomUUID } from "node:crypto";
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { services, type Services } from "../app/services";
import { maskBody } from "../diagnostics/mask";
import { notFound, ScimError } from "../scim/errors";
import { inRequestScope, type RequestScope } from "../lib/requestScope";
import type { TenantScope } from "../service/resourceService";
import { observeScimRequest } from "../telemetry";
import { isValidTenantId } from "../tenants/tenantId";
import { bearerToken } from "./bearer";
import { errorResponse } from "./response";

export interface ScimCall {
  readonly request: HttpRequest;
  readonly scope: TenantScope;
  /** The `{id}` route segment, when the route has one and it was given. */
  readonly id?: string;
  readonly services: Services;
}

export type ScimOperation = (call: ScimCall) => Promise<HttpResponseInit>;

function unauthorized(): ScimError {
  return new ScimError(401, "The bearer token is missing or not valid for this tenant.");
}

function tenantBaseUrl(request: HttpRequest, tenantId: string): string {
  return `${new URL(request.url).origin}/scim/v2/${tenantId}`;
}

function failureSample(failure: ScimError | undefined): { scimType?: string; detail?: string } {
  if (!failure) return {};
  return { ...(failure.scimType ? { scimType: failure.scimType } : {}), detail: failure.detail };
}

/** With the tenant's debug mode on, a masked copy of the request body (read before the handler). */
async function debugRequestBody(tenantId: string, request: HttpRequest): Promise<string | undefined> {
  if (!(await services().debugMode.isOn(tenantId))) return undefined;
  return request.method === "GET" || request.method === "HEAD" ? "" : request.clone().text();
}

function debugLine(correlationId: string, tenantId: string, requestBody: string, response: HttpResponseInit) {
  const body = response.body;
  return JSON.stringify({
    event: "scim.debug",
    correlationId,
    tenantId,
    requestBody: maskBody(requestBody),
    responseBody: typeof body === "string" ? maskBody(body) : body ? "<streamed>" : undefined,
  });
}

/**
 * Wraps a SCIM operation with what every endpoint does: find the tenant in the route, check its
 * bearer token (a Secret Token or an OAuth access token of that tenant), turn every failure into a
 * SCIM error, log one structured line per request (never the token or the body), and report the
 * request's tags and provisioning events to telemetry.
 */
export function scimEndpoint(operation: ScimOperation): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const correlationId = request.headers.get("x-correlation-id")?.slice(0, 64) ?? randomUUID();
    const started = Date.now();
    const tenantId = request.params.tenantId ?? "";
    const observation = observeScimRequest(request, context.functionName);
    const validTenant = isValidTenantId(tenantId);
    const debugBody = validTenant ? await debugRequestBody(tenantId, request) : undefined;
    let failure: ScimError | undefined;
    const requestScope: RequestScope = { correlationId, storageRoundTrips: 0 };
    const response = await inRequestScope(requestScope, async () => {
      try {
        if (!validTenant) throw notFound(`No SCIM tenant at this URL.`);
        const current = services();
        const credentialId = await current.authenticator.identify(tenantId, bearerToken(request));
        if (credentialId === undefined) throw unauthorized();
        requestScope.credentialId = credentialId;
        const id = request.params.id;
        // The tenant's own schema (its extension attributes) shapes everything the request does.
        const types = await current.resourceTypes.forTenant(tenantId);
        const scope = { tenantId, baseUrl: tenantBaseUrl(request, tenantId), types };
        return await operation({ request, scope, services: current, ...(id ? { id } : {}) });
      } catch (error) {
        observation.failed(error);
        if (error instanceof ScimError) failure = error;
        else context.error("Unhandled error", error);
        return errorResponse(error, correlationId);
      }
    });
    const roundTrips = requestScope.storageRoundTrips;
    response.headers = { ...(response.headers as Record<string, string>), "X-Correlation-Id": correlationId };
    const durationMs = Date.now() - started;
    context.log(
      JSON.stringify({
        event: "scim.request",
        correlationId,
        tenantId,
        method: request.method,
        route: context.functionName,
        status: response.status,
        durationMs,
        storageRoundTrips: roundTrips,
        // A streamed body (a group's members) reads storage after this line: its reads are not counted.
        ...(response.body !== undefined && typeof response.body !== "string" ? { bodyStreamed: true } : {}),
        ...(failure?.scimType ? { scimType: failure.scimType } : {}),
      }),
    );
    if (validTenant) {
      services().requestStats.record(tenantId, response.status ?? 200, failureSample(failure));
      if (debugBody !== undefined) context.log(debugLine(correlationId, tenantId, debugBody, response));
    }
    await observation.finish(response, {
      tenantId,
      correlationId,
      durationMs,
      storageRoundTrips: roundTrips,
    });
    return response;
  };
}
