import {
  expectGroup,
  expectMatch,
  expectMembers,
  expectNoMembers,
  expectResource,
  expectStatus,
  expectUser,
  memberIds,
} from "../checks";
import { MANAGER_FORMS, managerOperation, opName, patchBody } from "../dialect";
import { entraQuery, eqFilter, filterQuery } from "../encoding";
import { prop } from "../json";
import { createGroupBody, createUserBody } from "../population";
import type { StepRecorder } from "../report";
import {
  createdGroups,
  createdUsers,
  verifyUser,
  type CreatedGroup,
  type ReplayContext,
  type ReplayUser,
} from "./context";
import { inParallel } from "../inParallel";

/** Both matching precedences: even users by userName first, odd users by externalId first. */
function matchOrder(user: ReplayUser): readonly ("userName" | "externalId")[] {
  return user.index % 2 === 0 ? ["userName", "externalId"] : ["externalId", "userName"];
}

/** Match (miss) → create → re-read, per user. */
export async function createUsers(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Initial cycle: match by userName/externalId, create, re-read users");
  await inParallel(context.users, context.concurrency, async (user) => {
    const subject = user.state.userName;
    for (const attribute of matchOrder(user)) {
      const miss = await context.client.get(`/Users?${filterQuery(attribute, user.state[attribute])}`);
      expectMatch(step, miss, undefined, `${subject} by ${attribute}`);
    }
    const created = await context.client.post("/Users", createUserBody(user.state));
    if (!expectStatus(step, created, [201], subject)) return;
    const resource = expectResource(step, created, subject);
    if (resource === undefined || typeof resource.id !== "string") return;
    user.id = resource.id;
    expectUser(step, resource, user.state, created);
    await verifyUser(context, step, { ...user, id: resource.id });
  });
}

function groupQuery(displayName: string): string {
  return entraQuery([
    ["excludedAttributes", "members"],
    ["filter", eqFilter("displayName", displayName)],
  ]);
}

/** Match by displayName (members excluded) → create with the ADSCIM URN → 201, no members. */
export async function createGroups(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Initial cycle: match by displayName, create groups");
  await inParallel(context.groups, context.concurrency, async (group) => {
    const subject = group.state.displayName;
    const miss = await context.client.get(`/Groups?${groupQuery(subject)}`);
    expectMatch(step, miss, undefined, subject);
    const created = await context.client.post("/Groups", createGroupBody(group.state));
    if (!expectStatus(step, created, [201], subject)) return;
    const resource = expectResource(step, created, subject);
    if (resource === undefined || typeof resource.id !== "string") return;
    group.id = resource.id;
    expectGroup(step, resource, group.state, created);
    const members = memberIds(resource);
    step.check("created group has no members", members !== undefined && members.length === 0, {
      subject,
      exchange: created,
      detail: `members: ${JSON.stringify(prop(resource, "members"))}`,
    });
  });
}

/**
 * Second pass: every user but the first reports to the first. The second user
 * gets all three wire forms in turn; the others one each, round-robin.
 */
export async function linkManagers(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Initial cycle, second pass: link managers (three wire forms)");
  const [manager, ...reports] = createdUsers(context);
  if (manager === undefined || reports.length === 0) {
    step.check("population has a manager and a report", false, { detail: "needs at least 2 created users" });
    return;
  }
  await inParallel(reports, context.concurrency, async (user) => {
    const forms =
      user.index === reports[0]?.index
        ? MANAGER_FORMS
        : [MANAGER_FORMS[(user.index - 1) % 3] ?? "bare string"];
    for (const form of forms) {
      const patch = await context.client.patch(
        `/Users/${encodeURIComponent(user.id)}`,
        patchBody([managerOperation(form, manager.id, context.usersUrl)]),
        "reference",
      );
      const subject = `${user.state.userName} (${form})`;
      if (!expectStatus(step, patch, [200, 204], subject, { problem: "managerForm" })) continue;
      user.manager = manager.id;
      await verifyUser(context, step, user, "reference");
    }
    // The legacy reference check: `id eq … and manager eq …` with attributes=id.
    const query = entraQuery([
      ["filter", `${eqFilter("id", user.id)} and ${eqFilter("manager", manager.id)}`],
      ["attributes", "id"],
    ]);
    const check = await context.client.get(`/Users?${query}`, "reference");
    if (expectStatus(step, check, [200], user.state.userName, { problem: "legacyManagerCheck" })) {
      const resources = prop(check.json, "Resources");
      const count = Array.isArray(resources) ? resources.length : 0;
      const linked = user.manager === manager.id;
      step.check(
        linked
          ? "reference check (id and manager) finds the user whose manager was set"
          : "reference check (id and manager) finds nothing while no manager is set",
        count === (linked ? 1 : 0),
        {
          subject: user.state.userName,
          exchange: check,
          problem: "legacyManagerCheck",
          detail: `${count} resources`,
        },
      );
    }
  });
}

/** Reads a group three ways: with members, by id without members, by filter without members. */
export async function verifyGroup(
  context: ReplayContext,
  step: StepRecorder,
  group: CreatedGroup,
): Promise<void> {
  const subject = group.state.displayName;
  const path = `/Groups/${encodeURIComponent(group.id)}`;
  const full = await context.client.get(path);
  if (expectStatus(step, full, [200], subject)) {
    const resource = expectResource(step, full, subject);
    if (resource) {
      expectGroup(step, resource, group.state, full);
      expectMembers(step, resource, group.state, full);
    }
  }
  const lean = await context.client.get(`${path}?${entraQuery([["excludedAttributes", "members"]])}`);
  if (expectStatus(step, lean, [200], subject)) {
    const resource = expectResource(step, lean, subject);
    if (resource) expectNoMembers(step, resource, lean, subject);
  }
  for (const name of [subject, subject.toUpperCase()]) {
    const match = await context.client.get(`/Groups?${groupQuery(name)}`);
    const found = expectMatch(
      step,
      match,
      group.id,
      name === subject ? subject : `${subject} (different case)`,
    );
    if (found) expectNoMembers(step, found, match, subject);
  }
}

export { groupQuery };

/** Second pass: members added several at a time, then each group read back. */
export async function addMemberships(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Initial cycle, second pass: add group members (multi-member PATCH)");
  const users = createdUsers(context);
  const groups = createdGroups(context);
  await inParallel(groups, context.concurrency, async (group) => {
    const dialect = context.dialects[group.index % context.dialects.length] ?? "default";
    const members = users.filter((user) => user.index % groups.length === group.index % groups.length);
    if (members.length > 0) {
      const patch = await context.client.patch(
        `/Groups/${encodeURIComponent(group.id)}`,
        patchBody([
          {
            op: opName(dialect, "add"),
            path: "members",
            value: members.map((user) => ({ $ref: null, value: user.id })),
          },
        ]),
        "reference",
      );
      if (expectStatus(step, patch, [204, 200], group.state.displayName))
        for (const user of members) group.state.members.add(user.id);
    }
    await verifyGroup(context, step, group);
  });
}

/** The next cycle matches every user it created: exactly one result, the cached id. */
export async function matchExisting(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Next cycle: match existing users (both orders, different case)");
  await inParallel(createdUsers(context), context.concurrency, async (user) => {
    for (const attribute of matchOrder(user)) {
      const hit = await context.client.get(`/Users?${filterQuery(attribute, user.state[attribute])}`);
      const found = expectMatch(step, hit, user.id, `${user.state.userName} by ${attribute}`);
      if (found) expectUser(step, found, user.state, hit, user.manager);
    }
    const upper = await context.client.get(
      `/Users?${filterQuery("userName", user.state.userName.toUpperCase())}`,
    );
    expectMatch(step, upper, user.id, `${user.state.userName} (userName in upper case)`);
  });
}
