import { UNSUPPORTED_STATUS } from "../scim/errors";
import { booleanOf } from "../scim/resource/boolean";
import type {
  ProvisioningEvent,
  ProvisioningEventName,
  RequestOutcome,
  ScimOperationName,
  ScimResource,
} from "./types";

/**
 * Pure rules that turn what the HTTP layer already knows about a request (function name, method, the
 * `{id}` segment, status, error type, response headers, the PATCH operations) into telemetry tags and
 * provisioning events. Nothing here reads storage, so telemetry costs no round trip.
 */

/** Function (route) names of src/http/routes.ts and the collection each one serves. */
const RESOURCE_OF_ROUTE: Readonly<Record<string, ScimResource>> = {
  scimUsers: "Users",
  scimGroups: "Groups",
  scimServiceProviderConfig: "ServiceProviderConfig",
  scimResourceTypes: "ResourceTypes",
  scimSchemas: "Schemas",
  oauthToken: "oauth",
};

export function resourceOfRoute(route: string): ScimResource {
  return RESOURCE_OF_ROUTE[route] ?? "unknown";
}

export interface RequestShape {
  readonly route: string;
  readonly method: string;
  /** The `{id}` route segment, when given. */
  readonly id?: string;
  /** Whether the query string has a `filter` (any case): Entra's matching GETs. */
  readonly hasFilter: boolean;
}

export function describeRequest(shape: RequestShape): {
  resource: ScimResource;
  operation: ScimOperationName;
} {
  const resource = resourceOfRoute(shape.route);
  return { resource, operation: operationOf(resource, shape) };
}

function operationOf(resource: ScimResource, { method, id, hasFilter }: RequestShape): ScimOperationName {
  switch (resource) {
    case "ServiceProviderConfig":
    case "ResourceTypes":
    case "Schemas":
      return "discovery";
    case "oauth":
      return "token";
    case "unknown":
      return "unknown";
    case "Users":
    case "Groups":
      break;
  }
  switch (method.toUpperCase()) {
    case "GET":
      if (id !== undefined) return "get";
      return hasFilter ? "filter" : "list";
    case "POST":
      return id === ".search" ? "search" : "create";
    case "PUT":
      return "replace";
    case "PATCH":
      return "patch";
    case "DELETE":
      return "delete";
    default:
      return "unknown";
  }
}

export function outcomeOf(status: number): RequestOutcome {
  if (status === 401 || status === 403) return "authFailure";
  if (status === UNSUPPORTED_STATUS) return "unsupported";
  if (status >= 500) return "serverError";
  if (status >= 400) return "clientError";
  return "success";
}

/** What a SCIM PATCH request does, as far as provisioning events care; never any value but `active`. */
export interface PatchIntent {
  /** The `active` value the PATCH sets, when it sets one. */
  readonly active?: boolean;
  /** Whether it changes any attribute besides `active` and `members`. */
  readonly otherAttributes: boolean;
  readonly membersAdded: number;
  readonly membersRemoved: number;
  /** `replace` of the whole member list (rare from Entra), or `remove` of `members` without a filter. */
  readonly membersReplaced: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The attribute a PATCH path names: `active`, `members[value eq "x"]` → `members`, URN prefixes dropped. */
function attributeOfPath(path: string): string {
  const withoutFilter = path.split("[")[0] ?? "";
  const lastColon = withoutFilter.lastIndexOf(":");
  const attribute = lastColon >= 0 ? withoutFilter.slice(lastColon + 1) : withoutFilter;
  return (attribute.split(".")[0] ?? "").trim().toLowerCase();
}

function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value === undefined || value === null ? 0 : 1;
}

/** Reads a PATCH body (already parsed JSON) for its intent; undefined when it is not a PATCH request. */
export function patchIntent(body: unknown): PatchIntent | undefined {
  if (!isRecord(body)) return undefined;
  const operationsKey = Object.keys(body).find((key) => key.toLowerCase() === "operations");
  const operations = operationsKey === undefined ? undefined : body[operationsKey];
  if (!Array.isArray(operations)) return undefined;
  let active: boolean | undefined;
  let otherAttributes = false;
  let membersAdded = 0;
  let membersRemoved = 0;
  let membersReplaced = false;
  const apply = (op: string, attribute: string, value: unknown, filtered: boolean): void => {
    if (attribute === "active" && op !== "remove") {
      active = booleanOf(value) ?? active;
    } else if (attribute === "members") {
      if (op === "add") membersAdded += countOf(value);
      else if (op === "remove" && (filtered || value !== undefined))
        membersRemoved += filtered ? 1 : countOf(value);
      else membersReplaced = true;
    } else {
      otherAttributes = true;
    }
  };
  for (const operation of operations) {
    if (!isRecord(operation)) continue;
    const op = typeof operation.op === "string" ? operation.op.toLowerCase() : "";
    const path = typeof operation.path === "string" ? operation.path : undefined;
    if (path !== undefined && path.trim() !== "") {
      apply(op, attributeOfPath(path), operation.value, path.includes("["));
    } else if (isRecord(operation.value)) {
      for (const [key, value] of Object.entries(operation.value))
        apply(op, attributeOfPath(key), value, false);
    } else {
      otherAttributes = true;
    }
  }
  return {
    ...(active === undefined ? {} : { active }),
    otherAttributes,
    membersAdded,
    membersRemoved,
    membersReplaced,
  };
}

export interface RequestFacts {
  readonly tenantId: string;
  readonly resource: ScimResource;
  readonly operation: ScimOperationName;
  readonly status: number;
  readonly correlationId: string;
  /** The `{id}` route segment. */
  readonly id?: string;
  /** The response's Location header (a create's new resource URL). */
  readonly location?: string;
  /** For a PATCH: what it changes (undefined when the body could not be read). */
  readonly patch?: PatchIntent;
}

function lastSegment(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const segment = url.replace(/\/+$/, "").split("/").pop();
  return segment === undefined || segment === "" ? undefined : decodeURIComponent(segment);
}

const CREATED: Partial<Record<ScimResource, ProvisioningEventName>> = {
  Users: "UserCreated",
  Groups: "GroupCreated",
};
const UPDATED: Partial<Record<ScimResource, ProvisioningEventName>> = {
  Users: "UserUpdated",
  Groups: "GroupUpdated",
};
const DELETED: Partial<Record<ScimResource, ProvisioningEventName>> = {
  Users: "UserDeleted",
  Groups: "GroupDeleted",
};

function patchEvents(resource: ScimResource, intent: PatchIntent | undefined): ProvisioningEventName[] {
  const updated = UPDATED[resource];
  if (intent === undefined) return updated ? [updated] : [];
  const names: ProvisioningEventName[] = [];
  if (resource === "Users" && intent.active !== undefined)
    names.push(intent.active ? "UserReenabled" : "UserDisabled");
  if (
    resource === "Groups" &&
    (intent.membersAdded > 0 || intent.membersRemoved > 0 || intent.membersReplaced)
  )
    names.push("MembersChanged");
  if (updated && (intent.otherAttributes || names.length === 0)) names.push(updated);
  return names;
}

/** The provisioning events one request produced: what Entra did to this tenant's users and groups. */
export function provisioningEvents(facts: RequestFacts): ProvisioningEvent[] {
  const { tenantId, resource, operation, status, correlationId } = facts;
  const base = { tenantId, resource, correlationId };
  const withId = (resourceId: string | undefined) => (resourceId === undefined ? {} : { resourceId });
  if (status === 401 || status === 403) {
    return [{ name: "AuthFailure", ...base, details: { operation, status } }];
  }
  if (status === 409) return [{ name: "Conflict", ...base, ...withId(facts.id), details: { operation } }];
  if (status < 200 || status >= 300) return [];
  let names: ProvisioningEventName[] = [];
  let resourceId = facts.id;
  switch (operation) {
    case "create": {
      const created = CREATED[resource];
      names = created ? [created] : [];
      resourceId = lastSegment(facts.location);
      break;
    }
    case "replace": {
      const updated = UPDATED[resource];
      names = updated ? [updated] : [];
      break;
    }
    case "patch":
      names = patchEvents(resource, facts.patch);
      break;
    case "delete": {
      const deleted = DELETED[resource];
      names = deleted ? [deleted] : [];
      break;
    }
    default:
      return [];
  }
  return names.map((name) => {
    const details =
      name === "MembersChanged" && facts.patch
        ? {
            membersAdded: facts.patch.membersAdded,
            membersRemoved: facts.patch.membersRemoved,
            ...(facts.patch.membersReplaced ? { membersReplaced: "true" } : {}),
          }
        : undefined;
    return { name, ...base, ...withId(resourceId), ...(details ? { details } : {}) };
  });
}
