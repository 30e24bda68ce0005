import type { Exchange } from "./client";
import { isObject, prop, type JsonObject } from "./json";
import { USER_MAPPING, type GroupState, type UserState } from "./population";
import type { ProblemId } from "./problems";
import type { StepRecorder } from "./report";
import { ENTERPRISE_USER, ERROR, LIST_RESPONSE } from "./urns";

/** Checks responses the way Entra reads them (docs/entra-behaviour.md#status-codes-entra-acts-on). */

function got(exchange: Exchange): string {
  return exchange.status === 0 ? (exchange.error ?? "no response") : `got ${exchange.status}`;
}

/** Which problem a failure shows, and in which dialect. */
export interface Blame {
  readonly problem?: ProblemId;
  readonly dialect?: string;
}

/** Status first: anything else is a failed event in Entra's provisioning log. */
export function expectStatus(
  step: StepRecorder,
  exchange: Exchange,
  allowed: readonly number[],
  subject?: string,
  blame: Blame = {},
): boolean {
  const name = `${exchange.method} ${route(exchange)} → ${allowed.join(" or ")}`;
  const ok = allowed.includes(exchange.status);
  step.check(name, ok, {
    exchange,
    escrow: true,
    ...blame,
    ...(subject ? { subject } : {}),
    ...(ok ? {} : { detail: got(exchange) }),
  });
  if (ok && exchange.responseText.trim() !== "") expectScimJson(step, exchange, subject);
  return ok;
}

/** `/Users/<id>?…` → `/Users/{id}`, for grouping checks by request shape. */
function route(exchange: Exchange): string {
  const [path = "", query] = exchange.path.split("?");
  const shape = path.replace(/^(\/+(?:users|groups))\/[^/]+$/i, "$1/{id}");
  if (query === undefined) return shape;
  const names = [...new URLSearchParams(query).keys()].join("&");
  return `${shape}?${names}`;
}

/** Every body must be SCIM JSON with `Content-Type: application/scim+json`. */
function expectScimJson(step: StepRecorder, exchange: Exchange, subject?: string): void {
  const extra = { exchange, ...(subject ? { subject } : {}) };
  const contentType = (exchange.contentType ?? "").split(";")[0]?.trim().toLowerCase();
  step.check("response Content-Type is application/scim+json", contentType === "application/scim+json", {
    ...extra,
    detail: `Content-Type: ${exchange.contentType ?? "(none)"}`,
  });
  if (exchange.parseError !== undefined)
    step.check("response body is JSON", false, { ...extra, escrow: true, detail: exchange.parseError });
}

/** A query answer: ListResponse, capital `Resources`, every resource with an id. */
export function expectListResponse(
  step: StepRecorder,
  exchange: Exchange,
  subject?: string,
): JsonObject[] | undefined {
  const extra = { exchange, escrow: true, ...(subject ? { subject } : {}) };
  const body = exchange.json;
  if (!step.check("answer is a ListResponse object", isObject(body), extra) || !isObject(body))
    return undefined;
  const schemas = body.schemas;
  step.check(
    "ListResponse carries the ListResponse schema",
    Array.isArray(schemas) && schemas.includes(LIST_RESPONSE),
    { ...extra, detail: `schemas: ${JSON.stringify(schemas)}` },
  );
  const total = body.totalResults;
  step.check("ListResponse has a numeric totalResults", typeof total === "number", {
    ...extra,
    detail: `totalResults: ${JSON.stringify(total)}`,
  });
  const resources = body.Resources;
  if ("resources" in body && !("Resources" in body)) {
    step.check("ListResponse uses `Resources` with a capital R", false, {
      ...extra,
      detail: "found `resources`",
    });
    return undefined;
  }
  if (resources === undefined) {
    // RFC 7644 allows omitting Resources when totalResults is 0; Entra's own example keeps [].
    step.check("ListResponse with results carries `Resources`", total === 0, {
      ...extra,
      detail: `totalResults ${JSON.stringify(total)} but no Resources`,
    });
    return total === 0 ? [] : undefined;
  }
  if (!step.check("`Resources` is an array", Array.isArray(resources), extra) || !Array.isArray(resources))
    return undefined;
  const objects = resources.filter(isObject);
  step.check(
    "every resource in `Resources` has an id",
    objects.length === resources.length && objects.every((r) => typeof r.id === "string" && r.id !== ""),
    extra,
  );
  if (typeof total === "number")
    step.check("totalResults is at least the number of resources returned", total >= objects.length, {
      ...extra,
      detail: `totalResults ${total}, ${objects.length} returned`,
    });
  return objects;
}

/** A matching query: exactly `expected` results (0 or 1), never duplicates (`DuplicateTargetEntries`). */
export function expectMatch(
  step: StepRecorder,
  exchange: Exchange,
  expectedId: string | undefined,
  subject?: string,
): JsonObject | undefined {
  if (!expectStatus(step, exchange, [200], subject)) return undefined;
  const resources = expectListResponse(step, exchange, subject);
  if (resources === undefined) return undefined;
  const extra = { exchange, escrow: true, ...(subject ? { subject } : {}) };
  if (expectedId === undefined) {
    step.check("no match: 200 with an empty ListResponse", resources.length === 0, {
      ...extra,
      detail: `${resources.length} resources returned`,
    });
    return undefined;
  }
  if (resources.length === 0) {
    step.check("match finds the resource Entra created", false, {
      ...extra,
      problem: "matchMissing",
      detail: "0 resources returned",
    });
    return undefined;
  }
  step.check("match returns one resource, no duplicates", resources.length === 1, {
    ...extra,
    problem: "matchDuplicates",
    detail: `${resources.length} resources returned`,
  });
  const [first] = resources;
  step.check("match returns the resource with the id Entra holds", first?.id === expectedId, {
    ...extra,
    problem: "matchMissing",
    detail: `expected id ${expectedId}, got ${JSON.stringify(first?.id)}`,
  });
  return first;
}

/** A single resource with `id` and `schemas` (201 create, 200 read or PATCH). */
export function expectResource(
  step: StepRecorder,
  exchange: Exchange,
  subject?: string,
): JsonObject | undefined {
  const extra = { exchange, escrow: true, ...(subject ? { subject } : {}) };
  const body = exchange.json;
  if (!step.check("response is a SCIM resource object", isObject(body), extra) || !isObject(body))
    return undefined;
  step.check("resource has a string id", typeof body.id === "string" && body.id !== "", {
    ...extra,
    detail: `id: ${JSON.stringify(body.id)}`,
  });
  step.check("resource lists its schemas", Array.isArray(body.schemas), extra);
  return body;
}

/**
 * Round-trip: every mapped value comes back exactly as sent, byte for byte; `active` is a JSON
 * boolean; `manager` is `{value}`. A difference makes Entra PATCH the user again every cycle.
 */
export function expectUser(
  step: StepRecorder,
  resource: JsonObject,
  expected: UserState,
  exchange: Exchange,
  manager?: string | null,
): void {
  const subject = expected.userName;
  for (const attribute of USER_MAPPING) {
    const want = expected[attribute.key];
    if (want === undefined) continue;
    const actual = attribute.read(resource);
    step.check(
      attribute.key === "active"
        ? "active returned as a JSON boolean with the sent value"
        : `round-trip ${attribute.target}`,
      actual === want,
      {
        subject,
        exchange,
        problem:
          attribute.key === "active"
            ? "stringBoolean"
            : expected.writtenPathless?.includes(attribute.key)
              ? "pathlessDottedKeys"
              : "roundTrip",
        detail: `sent ${JSON.stringify(want)}, returned ${JSON.stringify(actual)}`,
      },
    );
  }
  const literal = Object.keys(resource).filter((key) => key.includes(".") && !key.startsWith("urn:"));
  step.check("no attribute stored under a literal dotted key", literal.length === 0, {
    subject,
    exchange,
    problem: "pathlessDottedKeys",
    detail: `keys: ${literal.join(", ")}`,
  });
  const emails = prop(resource, "emails");
  if (Array.isArray(emails))
    step.check(
      "emails[].primary returned as JSON booleans",
      emails.every((email) => {
        const primary = prop(email, "primary");
        return primary === undefined || typeof primary === "boolean";
      }),
      { subject, exchange, problem: "roundTrip", detail: `emails: ${JSON.stringify(emails)}` },
    );
  if (manager === undefined) return;
  const value = prop(prop(resource, ENTERPRISE_USER), "manager");
  if (manager === null) {
    step.check("manager removed", value === undefined || value === null, {
      subject,
      exchange,
      detail: `manager: ${JSON.stringify(value)}`,
    });
    return;
  }
  step.check("manager returned as an object {value}", isObject(value) && prop(value, "value") === manager, {
    subject,
    exchange,
    escrow: !isObject(value),
    problem: "managerForm",
    detail: `expected {"value":"${manager}"}, returned ${JSON.stringify(value)}`,
  });
}

export function memberIds(resource: JsonObject): string[] | undefined {
  const members = prop(resource, "members");
  if (members === undefined) return [];
  if (!Array.isArray(members)) return undefined;
  return members.map((member) => prop(member, "value")).filter((id): id is string => typeof id === "string");
}

/** The group holds exactly the members Entra added. */
export function expectMembers(
  step: StepRecorder,
  resource: JsonObject,
  group: GroupState,
  exchange: Exchange,
  problem: ProblemId = "memberRemoval",
): void {
  const ids = memberIds(resource);
  const want = [...group.members].sort();
  const have = ids === undefined ? undefined : [...ids].sort();
  step.check("group members are exactly the ones added", JSON.stringify(have) === JSON.stringify(want), {
    subject: group.displayName,
    exchange,
    problem,
    detail: `expected ${JSON.stringify(want)}, returned ${JSON.stringify(have)}`,
  });
}

export function expectGroup(
  step: StepRecorder,
  resource: JsonObject,
  group: GroupState,
  exchange: Exchange,
): void {
  const subject = group.displayName;
  for (const key of ["displayName", "externalId"] as const)
    step.check(`round-trip group ${key}`, prop(resource, key) === group[key], {
      subject,
      exchange,
      problem: "roundTrip",
      detail: `sent ${JSON.stringify(group[key])}, returned ${JSON.stringify(prop(resource, key))}`,
    });
}

/** `excludedAttributes=members` honoured, else `MultipleEntriesInResponse`. */
export function expectNoMembers(
  step: StepRecorder,
  resource: JsonObject,
  exchange: Exchange,
  subject: string,
): void {
  const members = prop(resource, "members");
  step.check("excludedAttributes=members honoured (no members returned)", members === undefined, {
    subject,
    exchange,
    problem: "excludedMembers",
    detail: `members: ${JSON.stringify(members)}`,
  });
}

/** Errors stay in the SCIM envelope. */
export function expectScimError(
  step: StepRecorder,
  exchange: Exchange,
  scimType?: string,
  subject?: string,
): void {
  const body = exchange.json;
  const extra = { exchange, ...(subject ? { subject } : {}) };
  step.check(
    "error uses the SCIM Error envelope with the status",
    isObject(body) &&
      Array.isArray(body.schemas) &&
      body.schemas.includes(ERROR) &&
      String(body.status) === String(exchange.status),
    { ...extra, detail: exchange.responseText === "" ? "empty body" : "not a SCIM Error" },
  );
  if (scimType !== undefined)
    step.check(`error carries scimType "${scimType}"`, isObject(body) && body.scimType === scimType, {
      ...extra,
      detail: `scimType: ${JSON.stringify(isObject(body) ? body.scimType : undefined)}`,
    });
}
