/**
 * The application's own copy of the directory, kept up to date from the connector's events.
 * Everything here is plain data so it can be saved to a file and compared.
 */

export type Attributes = Record<string, unknown>;

/** A directory event as the feed and the webhooks deliver it (docs/app-api.openapi.json). */
export interface DirectoryEvent {
  readonly id: string;
  readonly sequence: number;
  readonly type: string;
  readonly resourceId: string;
  readonly resource: { readonly id: string; readonly attributes: Attributes } | null;
  readonly members?: readonly string[];
}

interface GroupCopy {
  attributes: Attributes;
  members: string[];
}

export interface CopyState {
  /** The feed cursor of the last event applied (undefined before the first full read). */
  cursor?: string;
  /** Sequence of the last event applied: an event at or below it is a duplicate. */
  sequence: number;
  users: Record<string, Attributes>;
  groups: Record<string, GroupCopy>;
}

export function emptyCopy(): CopyState {
  return { sequence: 0, users: {}, groups: {} };
}

function withoutMember(state: CopyState, memberId: string): void {
  for (const group of Object.values(state.groups)) {
    group.members = group.members.filter((id) => id !== memberId);
  }
}

/**
 * Applies one event. Events must come in feed order (the caller makes sure); one already applied
 * (a duplicate delivery, a replay) changes nothing. Returns whether it was applied.
 *
 * `fetchResource` is asked for the resource when the event does not carry it (too large).
 */
export async function applyEvent(
  state: CopyState,
  event: DirectoryEvent,
  fetchResource: (kind: "users" | "groups", id: string) => Promise<Attributes | undefined>,
): Promise<boolean> {
  if (event.sequence <= state.sequence) return false;
  const id = event.resourceId;
  const attributes = async (kind: "users" | "groups") =>
    event.resource?.attributes ?? (await fetchResource(kind, id));
  switch (event.type) {
    case "user.created":
    case "user.updated":
    case "user.deactivated":
    case "user.reactivated": {
      const user = await attributes("users");
      if (user) state.users[id] = user;
      break;
    }
    case "user.deleted":
      // Deleting a user also ends its memberships (no member_removed events for those).
      delete state.users[id];
      withoutMember(state, id);
      break;
    case "group.created":
    case "group.updated": {
      const group = await attributes("groups");
      if (group) state.groups[id] = { attributes: group, members: state.groups[id]?.members ?? [] };
      break;
    }
    case "group.deleted":
      delete state.groups[id];
      withoutMember(state, id);
      break;
    case "group.member_added": {
      const group = state.groups[id];
      if (group) group.members = [...new Set([...group.members, ...(event.members ?? [])])];
      break;
    }
    case "group.member_removed": {
      const group = state.groups[id];
      const removed = new Set(event.members ?? []);
      if (group) group.members = group.members.filter((member) => !removed.has(member));
      break;
    }
    default:
      // A type added after this consumer was written: skip it, keep going.
      break;
  }
  state.sequence = event.sequence;
  return true;
}
