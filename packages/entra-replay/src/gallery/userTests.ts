import { expectMatch, expectStatus, expectUser } from "../checks";
import { activeValue, MANAGER_PATH, patchBody, userDiff } from "../dialect";
import { filterQuery } from "../encoding";
import { prop } from "../json";
import { createUserBody } from "../population";
import type { StepRecorder } from "../report";
import { verifyUser, type CreatedUser, type ReplayContext } from "../steps/context";
import { ENTERPRISE_USER } from "../urns";
import { createGalleryUser, type GalleryStep } from "./fixtures";

/**
 * Microsoft's user lifecycle tests (UserTests_Workflow), as the requests Entra's provisioning
 * engine sends for each: the replay stands in for Entra, so "the provisioning log shows success"
 * becomes "every request Entra would send succeeded and the result reads back".
 */

/** Entra's create: match by userName (no result), POST, then the user is found by the filter. */
async function provisionUser(context: ReplayContext, step: StepRecorder): Promise<CreatedUser | undefined> {
  const user = await createGalleryUser(context, step, true);
  if (user === undefined) return undefined;
  const found = await context.client.get(`/Users?${filterQuery("userName", user.state.userName)}`);
  const resource = expectMatch(step, found, user.id, user.state.userName);
  if (resource) expectUser(step, resource, user.state, found);
  return user;
}

export const createUser: GalleryStep = async (context, step) => {
  await provisionUser(context, step);
};

export const updateUser: GalleryStep = async (context, step) => {
  const user = await provisionUser(context, step);
  if (user === undefined) return;
  const next = { ...user.state, title: `${user.state.title} (updated)`, department: "Validation" };
  const patch = await context.client.patch(
    `/Users/${encodeURIComponent(user.id)}`,
    patchBody(userDiff("default", user.state, next)),
  );
  if (!expectStatus(step, patch, [200, 204], user.state.userName)) return;
  user.state = next;
  await verifyUser(context, step, user);
};

export const disableUser: GalleryStep = async (context, step) => {
  const user = await provisionUser(context, step);
  if (user === undefined) return;
  const patch = await context.client.patch(
    `/Users/${encodeURIComponent(user.id)}`,
    patchBody([{ op: "Replace", path: "active", value: activeValue("default", false) }]),
  );
  if (!expectStatus(step, patch, [200, 204], user.state.userName, { problem: "stringBoolean" })) return;
  user.state = { ...user.state, active: false };
  await verifyUser(context, step, user);
};

/** DELETE, then the user is gone: 404 by id, nothing by filter. */
async function deprovision(context: ReplayContext, step: StepRecorder, user: CreatedUser): Promise<boolean> {
  const path = `/Users/${encodeURIComponent(user.id)}`;
  const removed = await context.client.delete(path);
  if (!expectStatus(step, removed, [204], user.state.userName)) return false;
  delete (user as { id?: string }).id;
  const read = await context.client.get(path, "negative");
  expectStatus(step, read, [404], `deleted ${user.state.userName}`);
  const match = await context.client.get(`/Users?${filterQuery("userName", user.state.userName)}`);
  expectMatch(step, match, undefined, `deleted ${user.state.userName}`);
  return true;
}

export const deleteUser: GalleryStep = async (context, step) => {
  const user = await provisionUser(context, step);
  if (user !== undefined) await deprovision(context, step, user);
};

/** Unassign (Entra deletes) then re-assign (Entra creates the same user again). */
export const restoreUser: GalleryStep = async (context, step) => {
  const user = await provisionUser(context, step);
  if (user === undefined || !(await deprovision(context, step, user))) return;
  const recreated = await context.client.post("/Users", createUserBody(user.state));
  if (!expectStatus(step, recreated, [200, 201], `${user.state.userName} re-assigned`)) return;
  const id = prop(recreated.json, "id");
  if (typeof id !== "string") return;
  Object.assign(user, { id });
  const found = await context.client.get(`/Users?${filterQuery("userName", user.state.userName)}`);
  expectMatch(step, found, id, `${user.state.userName} restored`);
};

/** Provision on demand: one user, matched, created and read back by id at once. */
export const provisionUserOnDemand: GalleryStep = async (context, step) => {
  const user = await provisionUser(context, step);
  if (user !== undefined) await verifyUser(context, step, user);
};

/** Set, change and remove the manager, as Entra's reference updates send them. */
export const updateManager: GalleryStep = async (context, step) => {
  const first = await createGalleryUser(context, step);
  const second = await createGalleryUser(context, step);
  const user = await createGalleryUser(context, step);
  if (first === undefined || second === undefined || user === undefined) return;
  const path = `/Users/${encodeURIComponent(user.id)}`;
  for (const manager of [first, second]) {
    const set = await context.client.patch(
      path,
      patchBody([{ op: "Add", path: MANAGER_PATH, value: manager.id }]),
      "reference",
    );
    if (!expectStatus(step, set, [200, 204], user.state.userName, { problem: "managerForm" })) return;
    user.manager = manager.id;
    await verifyUser(context, step, user, "reference");
  }
  const remove = await context.client.patch(
    path,
    patchBody([{ op: "Remove", path: MANAGER_PATH }]),
    "reference",
  );
  if (!expectStatus(step, remove, [200, 204], user.state.userName, { problem: "managerForm" })) return;
  delete user.manager;
  await verifyUser(context, step, user, "reference", null);
};

/** Whether the target's /Schemas offers the enterprise manager (else Microsoft skips it). */
export function offersManager(schemas: unknown): boolean {
  const resources = prop(schemas, "Resources");
  if (!Array.isArray(resources)) return false;
  const enterprise: unknown = resources.find((schema) => prop(schema, "id") === ENTERPRISE_USER);
  const attributes = prop(enterprise, "attributes");
  return (
    Array.isArray(attributes) && attributes.some((a) => String(prop(a, "name")).toLowerCase() === "manager")
  );
}
