import { randomUUID } from "node:crypto";
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { services, type Services } from "../app/services";
import { maskBody } from "../diagnostics/mask";
import { notFound, ScimError, UnresolvableReferenceError } from "../scim/errors";
import { writeOnlyNames } from "../scim/resource/writeOnly";
import { builtInTypes } from "../scim/schema/tenantSchema";
import { inRequestScope, type RequestScope } from "../lib/requestScope";
import type { TenantScope } from "../service/resourceService";
import { markUnauthenticated, observeScimRequest } from "../telemetry";
import type { Authentication } from "../tenants/authenticator";
import { isValidTenantId } from "../tenants/tenantId";
import { MAX_BODY_BYTES } from "./body";
import { readBoundedText } from "./boundedBody";
import { bearerToken } from "./bearer";
import { errorResponse } from "./response";

const BUILT_IN_WRITE_ONLY = writeOnlyNames([builtInTypes.User, builtInTypes.Group]);

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

function failureSample(failure: ScimError | undefined): {
  scimType?: string;
  detail?: string;
  reference?: true;
} {
  if (!failure) return {};
  return {
    ...(failure.scimType ? { scimType: failure.scimType } : {}),
    detail: failure.detail,
    ...(failure instanceof UnresolvableReferenceError ? { reference: true } : {}),
  };
}

/**
 * With the tenant's debug mode on, a copy of the request body (read before the handler, within the
 * body limit). Only called once the request is authenticated: anyone can send a body to a tenant's URL.
 */
async function debugRequestBody(tenantId: string, request: HttpRequest): Promise<string | undefined> {
  if (!(await services().debugMode.isOn(tenantId))) return undefined;
  if (request.method === "GET" || request.method === "HEAD") return "";
  return readBoundedText(request.clone(), MAX_BODY_BYTES).catch(() => `<over ${MAX_BODY_BYTES} bytes>`);
}

function debugLine(
  correlationId: string,
  tenantId: string,
  requestBody: string,
  response: HttpResponseInit,
  writeOnly: ReadonlySet<string>,
) {
  const body = response.body;
  return JSON.stringify({
    event: "scim.debug",
    correlationId,
    tenantId,
    requestBody: maskBody(requestBody, writeOnly),
    responseBody: typeof body === "string" ? maskBody(body, writeOnly) : body ? "<streamed>" : undefined,
  });
}

/**
 * Counts the request in the tenant's summary (the quarantine outlook), but only when it is the
 * tenant's own traffic: authenticated, or a credential the tenant holds or held. A credential it never
 * issued is counted apart, and only for a tenant that exists; a made-up tenant id is counted nowhere
 * (it stays in the log and telemetry), so no one can fill the counters or forge a tenant's failures.
 */
function countRequest(
  tenantId: string,
  validTenant: boolean,
  authentication: Authentication | undefined,
  status: number,
  failure: ScimError | undefined,
): void {
  const current = services();
  if (authentication?.kind === "unauthenticated") {
    if (authentication.tenantExists) current.requestStats.recordUnauthenticated(tenantId);
    return;
  }
  // Unanswered authentication (a store fault): counted only for a tenant this instance knows exists.
  if (authentication !== undefined || (validTenant && current.authenticator.isKnownTenant(tenantId))) {
    current.requestStats.record(tenantId, status, failureSample(failure));
  }
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
    let authentication: Authentication | undefined;
    let debugBody: string | undefined;
    let failure: ScimError | undefined;
    const requestScope: RequestScope = { correlationId, storageRoundTrips: 0 };
    // The tenant's write-only attributes (the password, its own), masked in a debug log line.
    let writeOnly: ReadonlySet<string> = BUILT_IN_WRITE_ONLY;
    const response = await inRequestScope(requestScope, async () => {
      try {
        if (!validTenant) throw notFound(`No SCIM tenant at this URL.`);
        const current = services();
        authentication = await current.authenticator.authenticate(tenantId, bearerToken(request));
        if (authentication.kind !== "authenticated") throw unauthorized();
        requestScope.credentialId = authentication.credentialId;
        current.throttle.admit(tenantId);
        debugBody = await debugRequestBody(tenantId, request);
        const id = request.params.id;
        // The tenant's own schema (its extension attributes) shapes everything the request does.
        const types = await current.resourceTypes.forTenant(tenantId);
        if (debugBody !== undefined) writeOnly = writeOnlyNames([types.User, types.Group]);
        const scope = { tenantId, baseUrl: tenantBaseUrl(request, tenantId), types };
        const answer = await operation({ request, scope, services: current, ...(id ? { id } : {}) });
        // Webhooks: a fan-out is queued after the change, never awaited by this request.
        if (request.method !== "GET" && (answer.status ?? 200) < 300) current.changes.notify(tenantId);
        return answer;
      } catch (error) {
        observation.failed(error);
        if (error instanceof ScimError) failure = error;
        else context.error("Unhandled error", error);
        return errorResponse(error, correlationId);
      }
    });
    const roundTrips = requestScope.storageRoundTrips;
    const unauthenticated = authentication?.kind === "unauthenticated";
    if (unauthenticated) markUnauthenticated(response);
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
        ...(requestScope.storageRowsRead === undefined
          ? {}
          : { storageRowsRead: requestScope.storageRowsRead }),
        ...(requestScope.storageKeysRead === undefined
          ? {}
          : { storageKeysRead: requestScope.storageKeysRead }),
        // A streamed body (a group's members) reads storage after this line: its reads are not counted.
        ...(response.body !== undefined && typeof response.body !== "string" ? { bodyStreamed: true } : {}),
        ...(failure?.scimType ? { scimType: failure.scimType } : {}),
        ...(unauthenticated ? { unauthenticated: true } : {}),
      }),
    );
    countRequest(tenantId, validTenant, authentication, response.status ?? 200, failure);
    if (debugBody !== undefined)
      context.log(debugLine(correlationId, tenantId, debugBody, response, writeOnly));
    await observation.finish(response, {
      tenantId,
      correlationId,
      durationMs,
      storageRoundTrips: roundTrips,
    });
    return response;
  };
}
