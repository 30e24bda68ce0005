import { randomUUID } from "node:crypto";
import { expectListResponse, expectResource, expectScimError, expectStatus } from "../checks";
import { entraQuery, filterQuery } from "../encoding";
import { isObject, prop } from "../json";
import { createGroupBody, createUserBody, generateUser, type UserState } from "../population";
import type { StepRecorder } from "../report";
import { CORE_USER, ENTERPRISE_USER } from "../urns";
import { createdGroups, createdUsers, type ReplayContext } from "./context";

const PAGE = 5;
/** Enough to see several pages without walking a large production tenant. */
const MAX_LISTED = 50;

/** duplicates → 409 uniqueness, unknown id → 404, bad token → 401, pagination. */
export async function negativeChecks(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Negative checks: 409 (also in another case), 404, 401, pagination");
  const { client } = context;
  const [user] = createdUsers(context);
  if (user) {
    const duplicate = await client.post("/Users", createUserBody(user.state), "negative");
    if (expectStatus(step, duplicate, [409], `duplicate ${user.state.userName}`))
      expectScimError(step, duplicate, "uniqueness");
    await caseDuplicate(context, step, user.state);
  }
  const [group] = createdGroups(context);
  if (group) {
    const duplicate = await client.post("/Groups", createGroupBody(group.state), "negative");
    const subject = `duplicate ${group.state.displayName}`;
    if (expectStatus(step, duplicate, [409], subject, { problem: "groupNameUniqueness" }))
      expectScimError(step, duplicate, "uniqueness");
    const id = prop(duplicate.json, "id");
    if (duplicate.status === 201 && typeof id === "string")
      await client.delete(`/Groups/${encodeURIComponent(id)}`, "cleanup");
  }
  const missing = await client.get(`/Users/${randomUUID()}`, "negative");
  if (expectStatus(step, missing, [404], "random id")) expectScimError(step, missing);
  const missingGroup = await client.get(`/Groups/${randomUUID()}`, "negative");
  if (expectStatus(step, missingGroup, [404], "random id")) expectScimError(step, missingGroup);
  // The validator expects 404; Microsoft's reference code answers 204. Both are tolerated.
  const deleteMissing = await client.delete(`/Users/${randomUUID()}`, "negative");
  expectStatus(step, deleteMissing, [404, 204], "random id");
  const badToken = await client.request("GET", `/Users?${filterQuery("userName", randomUUID())}`, {
    kind: "negative",
    token: `not-a-valid-token-${randomUUID()}`,
  });
  if (expectStatus(step, badToken, [401], "wrong Secret Token")) expectScimError(step, badToken);
  await pagination(context);
}

/** userName is caseExact false: a create that differs only in case is a duplicate (409). */
async function caseDuplicate(context: ReplayContext, step: StepRecorder, state: UserState): Promise<void> {
  const userName = swapCase(state.userName);
  const body = createUserBody({ ...state, userName, externalId: `${state.externalId}-case` });
  const duplicate = await context.client.post("/Users", body, "negative");
  step.check("a userName differing only in case → 409 uniqueness", duplicate.status === 409, {
    subject: userName,
    exchange: duplicate,
    problem: "userNameCaseUniqueness",
    detail: `got ${duplicate.status}`,
  });
  const id = prop(duplicate.json, "id");
  if (duplicate.status === 201 && typeof id === "string")
    await context.client.delete(`/Users/${encodeURIComponent(id)}`, "cleanup");
}

function swapCase(text: string): string {
  return text.replace(/\p{L}/gu, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
}

/**
 * Entra's older create body (SCIM tutorial Example 2): explicit nulls and the typo'd extension URN
 * `…enterprise:2.0User`. Nulls and unknown schema URNs must not fail the create.
 */
export async function legacyCreateShape(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Tolerance: Entra's older create body (nulls, typo'd URN)");
  const user = generateUser(context.run, 9_000);
  const body = {
    schemas: [CORE_USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
    externalId: user.externalId,
    userName: user.userName,
    active: true,
    addresses: null,
    displayName: user.displayName,
    emails: [{ type: "work", primary: true, value: user.workEmail }],
    meta: { resourceType: "User" },
    name: { familyName: user.familyName, givenName: user.givenName },
    phoneNumbers: null,
    title: null,
    [ENTERPRISE_USER]: { department: null, manager: null },
  };
  const created = await context.client.post("/Users", body);
  if (!expectStatus(step, created, [201], user.userName)) return;
  const resource = expectResource(step, created, user.userName);
  if (resource === undefined || typeof resource.id !== "string") return;
  const sent = { userName: user.userName, displayName: user.displayName, externalId: user.externalId };
  for (const [key, value] of Object.entries(sent))
    step.check(`round-trip ${key}`, resource[key] === value, {
      subject: user.userName,
      exchange: created,
      detail: `sent ${JSON.stringify(value)}, returned ${JSON.stringify(resource[key])}`,
    });
  const removed = await context.client.delete(`/Users/${encodeURIComponent(resource.id)}`, "cleanup");
  expectStatus(step, removed, [204], user.userName);
}

/** `?startIndex=N&count=5` pages: sizes, startIndex, no repeats. */
async function pagination(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Pagination: /Users?startIndex=N&count=5");
  const seen = new Set<string>();
  let startIndex = 1;
  let total: number | undefined;
  let repeated = 0;
  while (startIndex <= MAX_LISTED) {
    const page = await context.client.get(
      `/Users?${entraQuery([
        ["startIndex", String(startIndex)],
        ["count", String(PAGE)],
      ])}`,
    );
    if (!expectStatus(step, page, [200], `startIndex ${startIndex}`)) return;
    const resources = expectListResponse(step, page, `startIndex ${startIndex}`);
    if (resources === undefined || !isObject(page.json)) return;
    total = typeof page.json.totalResults === "number" ? page.json.totalResults : undefined;
    step.check(`a page holds at most count (${PAGE}) resources`, resources.length <= PAGE, {
      exchange: page,
      detail: `${resources.length} resources`,
    });
    step.check("startIndex echoed", page.json.startIndex === startIndex, {
      exchange: page,
      detail: `startIndex ${JSON.stringify(page.json.startIndex)}`,
    });
    for (const resource of resources) {
      if (typeof resource.id !== "string") continue;
      if (seen.has(resource.id)) repeated += 1;
      seen.add(resource.id);
    }
    if (resources.length === 0 || total === undefined || startIndex + resources.length > total) break;
    startIndex += resources.length;
  }
  step.check("no resource appears on two pages", repeated === 0, { detail: `${repeated} repeated` });
  step.check(
    "pages cover totalResults (or the first 50) and include every replay user",
    total !== undefined &&
      (total > MAX_LISTED ||
        (seen.size === total && createdUsers(context).every((user) => seen.has(user.id)))),
    { detail: `totalResults ${String(total)}, ${seen.size} distinct ids listed` },
  );
}
