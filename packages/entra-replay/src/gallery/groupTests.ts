import { expectGroup, expectMatch, expectMembers, expectResource, expectStatus } from "../checks";
import { patchBody } from "../dialect";
import { prop } from "../json";
import { createGroupBody } from "../population";
import type { StepRecorder } from "../report";
import type { CreatedGroup, ReplayContext } from "../steps/context";
import { groupQuery } from "../steps/initialCycle";
import { createGalleryGroup, createGalleryUser, type GalleryStep } from "./fixtures";

/** Microsoft's group lifecycle tests (GroupTests_Workflow), as the requests Entra sends. */

/** Entra's group create: match by displayName (members excluded), POST, then found by the filter. */
async function provisionGroup(context: ReplayContext, step: StepRecorder): Promise<CreatedGroup | undefined> {
  const group = await createGalleryGroup(context, step, true);
  if (group === undefined) return undefined;
  const found = await context.client.get(`/Groups?${groupQuery(group.state.displayName)}`);
  const resource = expectMatch(step, found, group.id, group.state.displayName);
  if (resource) expectGroup(step, resource, group.state, found);
  return group;
}

/** GET the group with its members and compare with what Entra added. */
async function verifyMembers(context: ReplayContext, step: StepRecorder, group: CreatedGroup): Promise<void> {
  const read = await context.client.get(`/Groups/${encodeURIComponent(group.id)}`);
  if (!expectStatus(step, read, [200], group.state.displayName)) return;
  const resource = expectResource(step, read, group.state.displayName);
  if (resource) expectMembers(step, resource, group.state, read);
}

/** One PATCH adding several members, as Entra batches them. */
async function addMembers(
  context: ReplayContext,
  step: StepRecorder,
  group: CreatedGroup,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const user = await createGalleryUser(context, step);
    if (user !== undefined) ids.push(user.id);
  }
  if (ids.length === 0) return [];
  const patch = await context.client.patch(
    `/Groups/${encodeURIComponent(group.id)}`,
    patchBody([{ op: "Add", path: "members", value: ids.map((value) => ({ $ref: null, value })) }]),
    "reference",
  );
  if (!expectStatus(step, patch, [200, 204], group.state.displayName)) return [];
  for (const id of ids) group.state.members.add(id);
  await verifyMembers(context, step, group);
  return ids;
}

export const createGroup: GalleryStep = async (context, step) => {
  await provisionGroup(context, step);
};

export const updateGroup: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group === undefined) return;
  const before = group.state.displayName;
  const displayName = `${before} (updated)`;
  const patch = await context.client.patch(
    `/Groups/${encodeURIComponent(group.id)}`,
    patchBody([{ op: "Replace", path: "displayName", value: displayName }]),
  );
  if (!expectStatus(step, patch, [200, 204], before)) return;
  group.state = { ...group.state, displayName };
  const found = await context.client.get(`/Groups?${groupQuery(displayName)}`);
  expectMatch(step, found, group.id, displayName);
  const old = await context.client.get(`/Groups?${groupQuery(before)}`);
  expectMatch(step, old, undefined, `old displayName ${before}`);
};

async function deprovisionGroup(
  context: ReplayContext,
  step: StepRecorder,
  group: CreatedGroup,
): Promise<boolean> {
  const removed = await context.client.delete(`/Groups/${encodeURIComponent(group.id)}`);
  if (!expectStatus(step, removed, [204], group.state.displayName)) return false;
  delete (group as { id?: string }).id;
  const match = await context.client.get(`/Groups?${groupQuery(group.state.displayName)}`);
  expectMatch(step, match, undefined, `deleted ${group.state.displayName}`);
  return true;
}

export const deleteGroup: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group !== undefined) await deprovisionGroup(context, step, group);
};

export const addMember: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group !== undefined) await addMembers(context, step, group, 2);
};

export const removeMember: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group === undefined) return;
  const [removed] = await addMembers(context, step, group, 2);
  if (removed === undefined) return;
  const patch = await context.client.patch(
    `/Groups/${encodeURIComponent(group.id)}`,
    patchBody([{ op: "Remove", path: "members", value: [{ value: removed }] }]),
    "reference",
  );
  if (!expectStatus(step, patch, [200, 204], group.state.displayName, { problem: "memberRemoval" })) return;
  group.state.members.delete(removed);
  await verifyMembers(context, step, group);
};

/** Provision on demand for a group: created, then its members (at most 5) in one request. */
export const provisionGroupOnDemand: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group !== undefined) await addMembers(context, step, group, 3);
};

export const restoreGroup: GalleryStep = async (context, step) => {
  const group = await provisionGroup(context, step);
  if (group === undefined || !(await deprovisionGroup(context, step, group))) return;
  const subject = `${group.state.displayName} re-assigned`;
  const recreated = await context.client.post("/Groups", createGroupBody(group.state));
  if (!expectStatus(step, recreated, [200, 201], subject)) return;
  const id = prop(recreated.json, "id");
  if (typeof id !== "string") return;
  Object.assign(group, { id });
  const found = await context.client.get(`/Groups?${groupQuery(group.state.displayName)}`);
  expectMatch(step, found, id, subject);
};
