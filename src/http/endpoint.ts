import type { HttpHandler, HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AppServices } from "../app/composition";
import { maskBody } from "../diagnostics/mask";
import { isFailure } from "../diagnostics/stats";
import { notFound, ScimError, UnresolvableReferenceError } from "../scim/errors";
import { writeOnlyNames } from "../scim/resource/writeOnly";
import { builtInTypes } from "../scim/schema/tenantSchema";
import type { TenantScope } from "../service/resourceService";
import { admitTenantRequest } from "../service/tenantAdmission";
import type { Authentication } from "../tenants/authenticator";
import { isValidTenantId } from "../tenants/tenantId";
import { MAX_BODY_BYTES } from "./body";
import { readBoundedText } from "./boundedBody";
import { bearerToken } from "./bearer";
import { pipeline } from "./pipeline";
import { scimSurface } from "./response";

const BUILT_IN_WRITE_ONLY = writeOnlyNames([builtInTypes.User, builtInTypes.Group]);

export interface ScimCall {
  readonly request: HttpRequest;
  readonly scope: TenantScope;
  /** The `{id}` route segment, when the route has one and it was given. */
  readonly id?: string;
  readonly services: AppServices;
}

export type ScimOperation = (call: ScimCall) => Promise<HttpResponseInit>;

function unauthorized(): ScimError {
  return new ScimError(401, "The bearer token is missing or not valid for this tenant.");
}

function tenantBaseUrl(url: URL, tenantId: string): string {
  return `${url.origin}/scim/v2/${tenantId}`;
}

/** `PATCH /Users/{id}`: what a failed request was, without the ids or values it carried. */
function requestShape(request: HttpRequest, url: URL, tenantId: string): string {
  const path = url.pathname;
  const rest = path.slice(path.indexOf(`/${tenantId}/`) + tenantId.length + 2).split("/");
  return `${request.method} /${rest[0] ?? ""}${rest.length > 1 && rest[1] !== "" ? "/{id}" : ""}`;
}

function failureSample(
  failure: ScimError | undefined,
  request: string,
): {
  request?: string;
  scimType?: string;
  detail?: string;
  reference?: true;
} {
  if (!failure) return {};
  return {
    request,
    ...(failure.scimType ? { scimType: failure.scimType } : {}),
    detail: failure.detail,
    ...(failure instanceof UnresolvableReferenceError ? { reference: true } : {}),
  };
}

/**
 * With the tenant's debug mode on, a copy of the request body (read before the handler, within the
 * body limit). Only called once the request is authenticated: anyone can send a body to a tenant's URL.
 */
async function debugRequestBody(
  services: AppServices,
  tenantId: string,
  request: HttpRequest,
): Promise<string | undefined> {
  if (!(await services.debugMode.isOn(tenantId))) return undefined;
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
  services: AppServices,
  tenantId: string,
  validTenant: boolean,
  authentication: Authentication | undefined,
  status: number,
  failure: ScimError | undefined,
  request: () => string,
): void {
  if (authentication?.kind === "unauthenticated") {
    if (authentication.tenantExists) services.requestStats.recordUnauthenticated(tenantId);
    return;
  }
  // Unanswered authentication (a store fault): counted only for a tenant this instance knows exists.
  if (authentication !== undefined || (validTenant && services.authenticator.isKnownTenant(tenantId))) {
    const credentialId = authentication?.kind === "authenticated" ? authentication.credentialId : undefined;
    // Only a failure keeps a sample: a 429 or a success is counted without parsing its URL again.
    const sample = isFailure(status) ? failureSample(failure, request()) : undefined;
    services.requestStats.record(tenantId, status, sample, credentialId);
  }
}

/**
 * A SCIM endpoint on the request pipeline: find the tenant in the route, check its bearer token (a
 * Secret Token or an OAuth access token of that tenant), admit it past the tenant's throttle, run the
 * operation with the tenant's resource types, queue a webhook fan-out after a change, count the request
 * in the tenant's summary and, in debug mode, log the masked bodies.
 */
export function scimEndpoint(services: AppServices, route: string, operation: ScimOperation): HttpHandler {
  return pipeline(scimSurface, route, async (request, call) => {
    const tenantId = request.params.tenantId ?? "";
    const validTenant = isValidTenantId(tenantId);
    // Parsed once for the base URL and the request's shape (the request serializes its URL on each read).
    let parsedUrl: URL | undefined;
    const url = () => (parsedUrl ??= new URL(request.url));
    // Learnt while the operation runs, used once the response is final.
    const seen: { authentication?: Authentication; debugBody?: string; writeOnly: ReadonlySet<string> } = {
      // The tenant's write-only attributes (the password, its own), masked in a debug log line.
      writeOnly: BUILT_IN_WRITE_ONLY,
    };
    call.afterResponse((response, failure) => {
      const scimFailure = failure?.error instanceof ScimError ? failure.error : undefined;
      countRequest(
        services,
        tenantId,
        validTenant,
        seen.authentication,
        response.status ?? 200,
        scimFailure,
        () => (validTenant ? requestShape(request, url(), tenantId) : request.method),
      );
      if (seen.debugBody !== undefined)
        call.context.log(debugLine(call.correlationId, tenantId, seen.debugBody, response, seen.writeOnly));
    });
    if (!validTenant) throw notFound(`No SCIM tenant at this URL.`);
    // A tenant with no turn left at its rate is refused before the token check, the body and storage.
    services.throttle.refuseIfFull(tenantId);
    const authentication = await services.authenticator.authenticate(tenantId, bearerToken(request));
    seen.authentication = authentication;
    if (authentication.kind === "unauthenticated") call.markUnauthenticated();
    if (authentication.kind !== "authenticated") throw unauthorized();
    call.scope.credentialId = authentication.credentialId;
    const release = await admitTenantRequest(services, tenantId, (pacedMs) => {
      call.note({ pacedMs });
    });
    try {
      const debugBody = await debugRequestBody(services, tenantId, request);
      seen.debugBody = debugBody;
      const id = request.params.id;
      // The tenant's own schema (its extension attributes) shapes everything the request does.
      const types = await services.resourceTypes.forTenant(tenantId);
      if (debugBody !== undefined) seen.writeOnly = writeOnlyNames([types.User, types.Group]);
      const scope = { tenantId, baseUrl: tenantBaseUrl(url(), tenantId), types };
      const answer = await operation({ request, scope, services, ...(id ? { id } : {}) });
      // Webhooks: a fan-out is queued after a committed change, never awaited by this request.
      if ((call.scope.changesCommitted ?? 0) > 0) services.changes.notify(tenantId);
      return answer;
    } finally {
      release();
    }
  });
}
