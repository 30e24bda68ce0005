import { expectMatch, expectMembers, expectResource, expectStatus, expectUser, memberIds } from "../checks";
import {
  activeValue,
  MANAGER_PATH,
  WORK_PHONE_PATH,
  managerOperation,
  opName,
  patchBody,
  userDiff,
  type Dialect,
  type PatchOperation,
} from "../dialect";
import { filterQuery } from "../encoding";
import { prop } from "../json";
import { USER_MAPPING, type UserState } from "../population";
import type { StepRecorder } from "../report";
import { createdGroups, createdUsers, verifyUser, type CreatedUser, type ReplayContext } from "./context";
import { groupQuery, verifyGroup } from "./initialCycle";
import { inParallel } from "../inParallel";

/** Changes a user the way an HR edit in Entra would, per dialect. */
function edit(dialect: Dialect, state: UserState, round: string): UserState {
  if (dialect === "default") {
    // work email, family name, nickName (previously empty → Add), department; plus more.
    return {
      ...state,
      workEmail: state.workEmail.replace("@", `.${round}@`),
      familyName: `${state.familyName}-Ähm`,
      nickName: state.nickName ?? `Nick ${round}`,
      department: `${state.department} (${round})`,
      title: `${state.title}, Lead`,
      locality: `${state.locality} Nord`,
      mobile: state.mobile.replace("(425)", "(206)"),
    };
  }
  // one path-less replace (displayName, name.*, title, enterprise URN keys) + value-path ops.
  return {
    ...state,
    displayName: `${state.displayName} ✓`,
    givenName: `${state.givenName}-Jo`,
    familyName: `${state.familyName} II`,
    title: `Principal ${state.title}`,
    employeeNumber: `${state.employeeNumber}9`,
    department: `Dept ${round}`,
    workEmail: state.workEmail.replace("@", `+${round}@`),
    streetAddress: `${state.streetAddress}, Floor 3`,
    region: `${state.region}-X`,
  };
}

/** Which attributes the operations write through a path-less replace, after this PATCH. */
function pathlessKeys(
  dialect: Dialect,
  before: UserState,
  operations: readonly PatchOperation[],
): (keyof UserState)[] {
  const written = new Set<string>();
  for (const operation of operations)
    if (operation.path === undefined && typeof operation.value === "object" && operation.value !== null)
      for (const key of Object.keys(operation.value)) written.add(key);
  const paths = new Set(operations.map((operation) => operation.path).filter((p) => p !== undefined));
  const keys = new Set(before.writtenPathless ?? []);
  for (const attribute of USER_MAPPING) {
    if (dialect === "aadOptscim062020" && written.has(attribute.target)) keys.add(attribute.key);
    if (paths.has(attribute.target)) keys.delete(attribute.key);
  }
  return [...keys];
}

/** PATCH → 200 (with the resource) or 204, then GET: the round-trip covers changed and unchanged values. */
async function patchUser(
  context: ReplayContext,
  step: StepRecorder,
  user: CreatedUser,
  dialect: Dialect,
  wanted: UserState,
): Promise<boolean> {
  const operations = userDiff(dialect, user.state, wanted);
  const next = { ...wanted, writtenPathless: pathlessKeys(dialect, user.state, operations) };
  const patch = await context.client.patch(`/Users/${encodeURIComponent(user.id)}`, patchBody(operations));
  const blame = dialect === "aadOptscim062020" ? { problem: "pathlessDottedKeys" as const } : {};
  if (!expectStatus(step, patch, [200, 204], user.state.userName, { ...blame, dialect })) return false;
  user.state = next;
  if (patch.status === 200 && patch.responseText.trim() !== "") {
    const resource = expectResource(step, patch, next.userName);
    if (resource) expectUser(step, resource, next, patch, user.manager);
  }
  await verifyUser(context, step, user);
  return true;
}

export async function attributeChanges(context: ReplayContext, dialect: Dialect): Promise<void> {
  const step = context.recorder.step(`Incremental cycle: attribute changes (${dialect} dialect)`, {
    dialect,
  });
  await inParallel(createdUsers(context), context.concurrency, async (user) => {
    await patchUser(
      context,
      step,
      user,
      dialect,
      edit(dialect, user.state, dialect === "default" ? "d1" : "f1"),
    );
  });
}

/**
 * Disable (soft delete), check the user is still found by the matching query with active false
 * and keeps its memberships, then re-enable.
 */
export async function disableAndReenable(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: disable, still matched as inactive, re-enable");
  const users = createdUsers(context);
  const user = users[1] ?? users[0];
  if (user === undefined) return;
  for (const dialect of context.dialects) {
    const disable = await context.client.patch(
      `/Users/${encodeURIComponent(user.id)}`,
      patchBody([{ op: opName(dialect, "replace"), path: "active", value: activeValue(dialect, false) }]),
    );
    const subject = `${user.state.userName} (${dialect})`;
    const blame = { dialect, ...(dialect === "default" ? { problem: "stringBoolean" as const } : {}) };
    if (expectStatus(step, disable, [200, 204], subject, blame))
      user.state = { ...user.state, active: false };
    await verifyUser(context, step, user);
    for (const attribute of ["userName", "externalId"] as const) {
      const match = await context.client.get(`/Users?${filterQuery(attribute, user.state[attribute])}`);
      const found = expectMatch(step, match, user.id, `disabled ${subject} by ${attribute}`);
      if (found) expectUser(step, found, user.state, match, user.manager);
    }
    for (const group of createdGroups(context).filter((g) => g.state.members.has(user.id))) {
      const read = await context.client.get(`/Groups/${encodeURIComponent(group.id)}`);
      if (!expectStatus(step, read, [200], group.state.displayName)) continue;
      const resource = expectResource(step, read, group.state.displayName);
      if (resource) expectMembers(step, resource, group.state, read);
    }
    const enable = await context.client.patch(
      `/Users/${encodeURIComponent(user.id)}`,
      patchBody([{ op: opName(dialect, "replace"), path: "active", value: activeValue(dialect, true) }]),
    );
    if (expectStatus(step, enable, [200, 204], subject, blame)) user.state = { ...user.state, active: true };
    await verifyUser(context, step, user);
  }
}

/** userName changes keep the id; the old name no longer matches, the new one does. */
export async function rename(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: rename userName");
  const users = createdUsers(context);
  const user = users[2] ?? users[0];
  if (user === undefined) return;
  for (const dialect of context.dialects) {
    const before = user.state.userName;
    const next = {
      ...user.state,
      userName: before.replace("@", `.renamed-${dialect === "default" ? "d" : "f"}@`),
    };
    if (!(await patchUser(context, step, user, dialect, next))) continue;
    const old = await context.client.get(`/Users?${filterQuery("userName", before)}`);
    expectMatch(step, old, undefined, `old userName ${before}`);
    const renamed = await context.client.get(`/Users?${filterQuery("userName", next.userName)}`);
    expectMatch(step, renamed, user.id, `new userName ${next.userName}`);
  }
}

/** Manager set with {value} then removed by path. */
export async function removeManager(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: change and remove manager");
  const [first, second, third] = createdUsers(context);
  const user = third ?? second;
  const manager = third ? second : first;
  if (user === undefined || manager === undefined) return;
  for (const dialect of context.dialects) {
    const path = `/Users/${encodeURIComponent(user.id)}`;
    const set = await context.client.patch(
      path,
      patchBody([managerOperation("object {value}", manager.id, context.usersUrl)]),
      "reference",
    );
    const blame = { problem: "managerForm" as const, dialect };
    if (expectStatus(step, set, [200, 204], `${user.state.userName} (${dialect})`, blame))
      user.manager = manager.id;
    await verifyUser(context, step, user, "reference");
    const remove = await context.client.patch(
      path,
      patchBody([{ op: opName(dialect, "remove"), path: MANAGER_PATH }]),
      "reference",
    );
    if (expectStatus(step, remove, [200, 204], `${user.state.userName} (${dialect})`, blame))
      delete user.manager;
    await verifyUser(context, step, user, "reference", user.manager ?? null);
  }
}

/**
 * Remove one member per dialect: default `{"op":"Remove","path":"members","value":[…]}` must
 * remove only the listed member; aadOptscim062020 uses `members[value eq "…"]`.
 */
export async function removeMembers(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: remove group members (both forms), others remain");
  const groups = createdGroups(context);
  for (const [index, dialect] of context.dialects.entries()) {
    const group = groups[index % Math.max(1, groups.length)];
    const [member] = group ? [...group.state.members] : [];
    if (group === undefined || member === undefined) continue;
    const operation =
      dialect === "default"
        ? { op: "Remove", path: "members", value: [{ value: member }] }
        : { op: "remove", path: `members[value eq "${member}"]` };
    const patch = await context.client.patch(
      `/Groups/${encodeURIComponent(group.id)}`,
      patchBody([operation]),
      "reference",
    );
    const blame = { problem: "memberRemoval" as const, dialect };
    if (expectStatus(step, patch, [204, 200], `${group.state.displayName} (${dialect})`, blame))
      group.state.members.delete(member);
    await verifyGroup(context, step, group);
  }
}

/** Rename (Replace displayName → 204) and Add externalId on an existing group. */
export async function updateGroups(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: rename group, Add externalId");
  await inParallel(createdGroups(context), context.concurrency, async (group) => {
    const dialect = context.dialects[group.index % context.dialects.length] ?? "default";
    const before = group.state.displayName;
    const next = {
      ...group.state,
      displayName: `${before} (renamed)`,
      externalId: `${group.state.externalId}-2`,
    };
    const patch = await context.client.patch(
      `/Groups/${encodeURIComponent(group.id)}`,
      patchBody([
        { op: opName(dialect, "replace"), path: "displayName", value: next.displayName },
        { op: opName(dialect, "add"), path: "externalId", value: next.externalId },
      ]),
    );
    if (!expectStatus(step, patch, [204, 200], `${before} (${dialect})`)) return;
    group.state = next;
    const old = await context.client.get(`/Groups?${groupQuery(before)}`);
    expectMatch(step, old, undefined, `old displayName ${before}`);
    await verifyGroup(context, step, group);
  });
}

/**
 * The first time an attribute is filled, Entra sends an Add on a filtered path whose element does
 * not exist yet (`phoneNumbers[type eq "work"].value` on a user with only a mobile); the target
 * must create the element. Each dialect gets a user that has no work phone yet.
 */
export async function fillMissingElement(context: ReplayContext, dialect: Dialect): Promise<void> {
  const step = context.recorder.step(
    `Incremental cycle: Add on a filtered path whose element does not exist yet (${dialect} dialect)`,
    { dialect },
  );
  const user = createdUsers(context).find((candidate) => candidate.state.workPhone === undefined);
  if (user === undefined) return;
  const workPhone = `+1 (425) 555-${String(2000 + user.index).padStart(4, "0")} ext. 7`;
  const patch = await context.client.patch(
    `/Users/${encodeURIComponent(user.id)}`,
    patchBody([{ op: opName(dialect, "add"), path: WORK_PHONE_PATH, value: workPhone }]),
  );
  const subject = user.state.userName;
  if (!expectStatus(step, patch, [200, 204], subject, { problem: "addMissingElement" })) return;
  user.state = { ...user.state, workPhone };
  const resource = await verifyUser(context, step, user);
  if (resource === undefined) return;
  const phones = prop(resource, "phoneNumbers");
  const work = Array.isArray(phones) ? phones.filter((phone) => prop(phone, "type") === "work") : [];
  step.check(
    "the Add created one work phone with the value sent",
    work.length === 1 && prop(work[0], "value") === workPhone,
    {
      subject,
      exchange: patch,
      problem: "addMissingElement",
      detail: `phoneNumbers: ${JSON.stringify(phones)}`,
    },
  );
}

/** Entra re-sends memberships (retries, re-assignment): adding a present member changes nothing. */
export async function reAddMember(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Incremental cycle: add a member who is already in the group");
  const groups = createdGroups(context).filter((group) => group.state.members.size > 0);
  for (const [index, dialect] of context.dialects.entries()) {
    const group = groups[index % Math.max(1, groups.length)];
    const [member] = group ? [...group.state.members] : [];
    if (group === undefined || member === undefined) continue;
    const path = `/Groups/${encodeURIComponent(group.id)}`;
    const patch = await context.client.patch(
      path,
      patchBody([{ op: opName(dialect, "add"), path: "members", value: [{ $ref: null, value: member }] }]),
      "reference",
    );
    const subject = `${group.state.displayName} (${dialect})`;
    if (!expectStatus(step, patch, [204, 200], subject, { problem: "memberDuplicated", dialect })) continue;
    const read = await context.client.get(path);
    if (!expectStatus(step, read, [200], subject)) continue;
    const resource = expectResource(step, read, subject);
    const ids = resource === undefined ? undefined : memberIds(resource);
    const copies = (ids ?? []).filter((id) => id === member).length;
    step.check("re-adding a member keeps it listed once", copies === 1, {
      subject,
      exchange: read,
      problem: "memberDuplicated",
      dialect,
      detail: `member ${member} listed ${copies} times`,
    });
  }
}
