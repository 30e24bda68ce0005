import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { ScimError } from "../scim/errors";
import { isValidTenantId } from "../tenants/tenantId";
import { describeRequest, outcomeOf, patchIntent, provisioningEvents, type PatchIntent } from "./classify";
import { isTelemetryOn, telemetry } from "./sink";

/** What the endpoint wrapper knows once it has a response. */
interface RequestCompletion {
  readonly tenantId: string;
  readonly correlationId: string;
  readonly durationMs: number;
  readonly storageRoundTrips?: number;
}

/** Follows one SCIM request through the endpoint wrapper and reports it when it ends. */
export interface ScimRequestObservation {
  /** The error the operation threw (a ScimError's scimType tags the request). */
  failed(error: unknown): void;
  /** Tags the request with an error type that was not thrown (e.g. an OAuth error code in the body). */
  tagError(errorType: string): void;
  /** Reports the request and its provisioning events; never throws, never fails the response. */
  finish(response: HttpResponseInit, completion: RequestCompletion): Promise<void>;
}

/** Responses to requests whose credential the tenant never issued (see RequestOutcome). */
const unauthenticatedResponses = new WeakSet();

/** Tags a 401 as `unauthenticated` rather than the tenant's `authFailure`; returns the response. */
export function markUnauthenticated<T extends object>(response: T): T {
  unauthenticatedResponses.add(response);
  return response;
}

const unobserved: ScimRequestObservation = {
  failed: () => undefined,
  tagError: () => undefined,
  finish: () => Promise.resolve(),
};

function hasFilter(request: HttpRequest): boolean {
  for (const key of request.query.keys()) if (key.toLowerCase() === "filter") return true;
  return false;
}

function header(response: HttpResponseInit, name: string): string | undefined {
  const headers = response.headers;
  if (headers === undefined) return undefined;
  const value = new Headers(headers).get(name);
  return value ?? undefined;
}

function tenantTag(tenantId: string): string {
  return isValidTenantId(tenantId) ? tenantId : "(invalid)";
}

/**
 * Starts observing a request routed to the function `route` (without telemetry, it does nothing: no
 * classification, no body read). For a PATCH on Users or Groups it keeps a clone of the request, so
 * that after a success it can tell a disable from a re-enable or a membership change: the PATCH
 * operations are read for that, and only their attribute names, counts and the `active` flag are
 * reported, never a value.
 */
export function observeScimRequest(request: HttpRequest, route: string): ScimRequestObservation {
  if (!isTelemetryOn()) return unobserved;
  const id = request.params.id;
  const shape = { route, method: request.method, hasFilter: hasFilter(request), ...(id ? { id } : {}) };
  const { resource, operation } = describeRequest(shape);
  let copy: HttpRequest | undefined;
  if (operation === "patch") {
    try {
      copy = request.clone();
    } catch {
      copy = undefined;
    }
  }
  let errorType: string | undefined;
  return {
    failed(error) {
      if (error instanceof ScimError && error.scimType !== undefined) errorType = error.scimType;
    },
    tagError(type) {
      errorType = type;
    },
    async finish(response, completion) {
      try {
        const status = response.status ?? 200;
        const tenantId = tenantTag(completion.tenantId);
        const sink = telemetry();
        const unauthenticated = unauthenticatedResponses.has(response);
        sink.trackRequest({
          tenantId,
          resource,
          operation,
          outcome: unauthenticated ? "unauthenticated" : outcomeOf(status),
          status,
          ...(errorType === undefined ? {} : { errorType }),
          route,
          method: request.method.toUpperCase(),
          correlationId: completion.correlationId,
          durationMs: completion.durationMs,
          ...(completion.storageRoundTrips === undefined
            ? {}
            : { storageRoundTrips: completion.storageRoundTrips }),
        });
        // Not the tenant's traffic: no AuthFailure event under its name.
        if (unauthenticated) return;
        let patch: PatchIntent | undefined;
        if (copy !== undefined && status >= 200 && status < 300) patch = await readPatchIntent(copy);
        const location = header(response, "location");
        for (const event of provisioningEvents({
          tenantId,
          resource,
          operation,
          status,
          correlationId: completion.correlationId,
          ...(id ? { id } : {}),
          ...(location === undefined ? {} : { location }),
          ...(patch === undefined ? {} : { patch }),
        })) {
          sink.trackEvent(event);
        }
      } catch {
        // Telemetry must never turn a served request into a failure.
      }
    },
  };
}

async function readPatchIntent(copy: HttpRequest): Promise<PatchIntent | undefined> {
  try {
    return patchIntent(JSON.parse(await copy.text()) as unknown);
  } catch {
    return undefined;
  }
}
