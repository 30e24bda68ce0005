import { expectMatch, expectScimError, expectStatus } from "../checks";
import { filterQuery } from "../encoding";
import { createdGroups, createdUsers, type ReplayContext } from "./context";
import { groupQuery } from "./initialCycle";
import { inParallel } from "../../inParallel";

/** Hard delete (§3.7, §11 step 13): DELETE → 204, then GET → 404 and the filter finds nothing. */
export async function hardDelete(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Hard delete: DELETE → 204, then GET → 404");
  const user = createdUsers(context).at(-1);
  if (user) {
    const path = `/Users/${encodeURIComponent(user.id)}`;
    const removed = await context.client.delete(path);
    if (expectStatus(step, removed, [204], user.state.userName)) {
      forget(user);
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
