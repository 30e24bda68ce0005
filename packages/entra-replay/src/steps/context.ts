import type { ScimClient, RequestKind } from "../client";
import { expectResource, expectStatus, expectUser } from "../checks";
import type { Dialect } from "../dialect";
import type { JsonObject } from "../json";
import type { GroupState, UserState } from "../population";
import type { Recorder, StepRecorder } from "../report";

export interface ReplayUser {
  readonly index: number;
  state: UserState;
  /** The SCIM id Entra caches after create; undefined if the create failed. */
  id?: string;
  /** The manager's SCIM id once linked. */
  manager?: string;
}

interface ReplayGroup {
  readonly index: number;
  state: GroupState;
  id?: string;
}

export interface ReplayContext {
  readonly client: ScimClient;
  readonly recorder: Recorder;
  readonly run: string;
  readonly dialects: readonly Dialect[];
  readonly concurrency: number;
  /** The `/Users` URL, for `$ref` values. */
  readonly usersUrl: string;
  readonly users: ReplayUser[];
  readonly groups: ReplayGroup[];
}

export type CreatedUser = ReplayUser & { id: string };
export type CreatedGroup = ReplayGroup & { id: string };

export function createdUsers(context: ReplayContext): CreatedUser[] {
  return context.users.filter((user): user is CreatedUser => user.id !== undefined);
}

export function createdGroups(context: ReplayContext): CreatedGroup[] {
  return context.groups.filter((group): group is CreatedGroup => group.id !== undefined);
}

/** `GET /Users/{id}`, then the round-trip of everything Entra believes it holds. */
export async function verifyUser(
  context: ReplayContext,
  step: StepRecorder,
  user: CreatedUser,
  kind: RequestKind = "provisioning",
  manager?: string | null,
): Promise<JsonObject | undefined> {
  const read = await context.client.get(`/Users/${encodeURIComponent(user.id)}`, kind);
  if (!expectStatus(step, read, [200], user.state.userName)) return undefined;
  const resource = expectResource(step, read, user.state.userName);
  if (resource === undefined) return undefined;
  step.check("read returns the same id", resource.id === user.id, {
    subject: user.state.userName,
    exchange: read,
    detail: `expected ${user.id}, got ${JSON.stringify(resource.id)}`,
  });
  expectUser(step, resource, user.state, read, manager === undefined ? user.manager : manager);
  return resource;
}
