import { expectMatch, expectResource, expectScimError, expectStatus, memberIds } from "../checks";
import { opName, patchBody } from "../dialect";
import { filterQuery } from "../encoding";
import type { StepRecorder } from "../report";
import {
  createdGroups,
  createdUsers,
  type CreatedGroup,
  type CreatedUser,
  type ReplayContext,
} from "./context";
import { groupQuery } from "./initialCycle";
import { inParallel } from "../inParallel";

/** Hard delete: DELETE → 204, then GET → 404 and the filter finds nothing. */
export async function hardDelete(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Hard delete: DELETE → 204, then GET → 404");
  const user = createdUsers(context).at(-1);
  if (user) {
    const groups = await ensureMembership(context, step, user);
    const path = `/Users/${encodeURIComponent(user.id)}`;
    const id = user.id;
    const removed = await context.client.delete(path);
    if (expectStatus(step, removed, [204], user.state.userName)) {
      forget(user);
      await expectMembershipGone(context, step, groups, id, user.state.userName);
      const read = await context.client.get(path, "negative");
      if (expectStatus(step, read, [404], `deleted ${user.state.userName}`)) expectScimError(step, read);
      const match = await context.client.get(`/Users?${filterQuery("userName", user.state.userName)}`);
      expectMatch(step, match, undefined, `deleted ${user.state.userName}`);
      const again = await context.client.delete(path, "negative");
      expectStatus(step, again, [404, 204], `deleted ${user.state.userName} again`);
    }
  }
  const group = createdGroups(context).at(-1);
  if (group) {
    const path = `/Groups/${encodeURIComponent(group.id)}`;
    const removed = await context.client.delete(path);
    if (expectStatus(step, removed, [204], group.state.displayName)) {
      forget(group);
      const read = await context.client.get(path, "negative");
      if (expectStatus(step, read, [404], `deleted ${group.state.displayName}`)) expectScimError(step, read);
      const match = await context.client.get(`/Groups?${groupQuery(group.state.displayName)}`);
      expectMatch(step, match, undefined, `deleted ${group.state.displayName}`);
    }
  }
}

/** The user is a member of at least one group before it is deleted; returns those groups. */
async function ensureMembership(
  context: ReplayContext,
  step: StepRecorder,
  user: CreatedUser,
): Promise<CreatedGroup[]> {
  const groups = createdGroups(context);
  const holding = groups.filter((group) => group.state.members.has(user.id));
  const [first] = groups;
  if (holding.length > 0 || first === undefined) return holding;
  const patch = await context.client.patch(
    `/Groups/${encodeURIComponent(first.id)}`,
    patchBody([
      {
        op: opName(context.dialects[0] ?? "default", "add"),
        path: "members",
        value: [{ $ref: null, value: user.id }],
      },
    ]),
    "reference",
  );
  if (!expectStatus(step, patch, [204, 200], first.state.displayName)) return [];
  first.state.members.add(user.id);
  return [first];
}

/** Deleting a user ends its memberships: the groups no longer list it. */
async function expectMembershipGone(
  context: ReplayContext,
  step: StepRecorder,
  groups: readonly CreatedGroup[],
  userId: string,
  userName: string,
): Promise<void> {
  for (const group of groups) {
    group.state.members.delete(userId);
    const read = await context.client.get(`/Groups/${encodeURIComponent(group.id)}`);
    if (!expectStatus(step, read, [200], group.state.displayName)) continue;
    const resource = expectResource(step, read, group.state.displayName);
    if (resource === undefined) continue;
    step.check(
      "a deleted user is no longer listed in its groups' members",
      !(memberIds(resource) ?? []).includes(userId),
      {
        subject: `${group.state.displayName} after deleting ${userName}`,
        exchange: read,
        problem: "deletedMemberLeft",
        detail: `members: ${JSON.stringify(memberIds(resource))}`,
      },
    );
  }
}

/** Removes whatever the replay created and still exists (skipped with --keep). */
export async function cleanUp(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Clean up: delete the replay's users and groups");
  await inParallel(createdGroups(context), context.concurrency, async (group) => {
    const removed = await context.client.delete(`/Groups/${encodeURIComponent(group.id)}`, "cleanup");
    if (expectStatus(step, removed, [204], group.state.displayName)) forget(group);
  });
  await inParallel(createdUsers(context), context.concurrency, async (user) => {
    const removed = await context.client.delete(`/Users/${encodeURIComponent(user.id)}`, "cleanup");
    if (expectStatus(step, removed, [204], user.state.userName)) forget(user);
  });
}

/** Entra forgets the id of an object it deleted. */
function forget(object: { id?: string }): void {
  delete object.id;
}
