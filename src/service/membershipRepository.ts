import type { AuditRecord } from "./audit";

/** The audit record of the members one transaction changes, written in that transaction. */
export type AuditOf = (memberIds: readonly string[]) => AuditRecord;

export type MemberKind = "User" | "Group";

export interface Member {
  readonly id: string;
  readonly kind: MemberKind;
}

/** Thrown when a member id names neither a user nor a group of the tenant. */
export class UnknownMemberError extends Error {
  constructor(readonly memberId: string) {
    super(`No user or group with id '${memberId}'.`);
    this.name = "UnknownMemberError";
  }
}

/** Thrown when the group a membership change names does not exist. */
export class UnknownGroupError extends Error {
  constructor() {
    super("The group does not exist.");
    this.name = "UnknownGroupError";
  }
}

/**
 * Group memberships as rows of their own, in both directions, so that a change costs O(members
 * changed) whatever the group's size.
 */
export interface MembershipRepository {
  /** Adds members; adding one already there changes nothing. Atomic for up to one transaction's worth. */
  add(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
    now: string,
    audit?: AuditOf,
  ): Promise<void>;
  /** Removes members; removing one that is not there changes nothing. */
  remove(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
    now: string,
    audit?: AuditOf,
  ): Promise<void>;
  /** Throws UnknownMemberError unless every id is a user or group of the tenant (one read each). */
  verifyMembers(tenantId: string, memberIds: readonly string[]): Promise<void>;
  /** The group's members, a bounded page at a time. */
  members(tenantId: string, groupId: string): AsyncIterable<readonly Member[]>;
  /** Ids of the groups `memberId` belongs to directly. */
  groupsOf(tenantId: string, memberId: string): Promise<string[]>;
  /** Removes every membership of the group (before the group is deleted). */
  removeAllOf(tenantId: string, groupId: string): Promise<void>;
  /** Removes the user or group from every group it belongs to (before it is deleted). */
  removeFromAll(tenantId: string, memberId: string): Promise<void>;
}
