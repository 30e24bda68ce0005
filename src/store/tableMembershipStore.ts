import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import {
  type AuditOf,
  UnknownGroupError,
  UnknownMemberError,
  type Member,
  type MemberKind,
  type MembershipRepository,
} from "../service/membershipRepository";
import { AUDIT_ACTIONS, auditAction } from "./auditRows";
import { noteCommitted } from "./outboxRows";
import { encodeKeyPart, prefixRange } from "./keys";
import { groupKind, userKind } from "./resourceKinds";
import { MEMBERSHIPS_PROPERTY, resourceRowKey } from "./rows";
import { unavailable } from "../service/storageUnavailable";
import { failedActionIndex, statusOf } from "./storageErrors";
import { MAX_TRANSACTION_ACTIONS } from "./transactionLimit";

/** Beside the members' rows, a transaction touches the group row and writes the audit and outbox rows. */
const FIXED_ACTIONS = 1 + AUDIT_ACTIONS;
/** An add writes 3 rows a member: existence check, forward and reverse row. */
const ADDS_PER_TRANSACTION = Math.floor((MAX_TRANSACTION_ACTIONS - FIXED_ACTIONS) / 3);
/** A removal deletes 2 rows a member. */
const REMOVES_PER_TRANSACTION = Math.floor((MAX_TRANSACTION_ACTIONS - FIXED_ACTIONS) / 2);
/** A $filter may hold at most 15 comparisons: the partition plus 14 row keys. */
const KEYS_PER_LOOKUP = 14;
const MEMBER_PAGE_SIZE = 1000;

type MemberRow = { partitionKey: string; rowKey: string; value: string; type: MemberKind };

export function memberRowKey(groupId: string, memberId: string): string {
  return `m|${encodeKeyPart(groupId)}|${encodeKeyPart(memberId)}`;
}

export function reverseRowKey(memberId: string, groupId: string): string {
  return `r|${encodeKeyPart(memberId)}|${encodeKeyPart(groupId)}`;
}

function resourceKey(member: Member): string {
  return resourceRowKey(member.kind === "User" ? userKind : groupKind, member.id);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Memberships in the tenant's partition: `m|<group>|<member>` and `r|<member>|<group>`. An add
 * merges into the member's resource row in the same transaction, so a member that does not exist
 * fails the whole change, and touches the group row, so a missing group does too. Both merges mark
 * the rows as having memberships, which a delete reads to decide whether to sweep them.
 */
export class TableMembershipStore implements MembershipRepository {
  constructor(private readonly client: TableClient) {}

  async add(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
    now: string,
    audit?: AuditOf,
  ): Promise<void> {
    const unique = [...new Set(memberIds)];
    const batches = chunks(unique, ADDS_PER_TRANSACTION);
    // Several transactions cannot be atomic together: check every member first, so an unknown id changes nothing.
    const known = batches.length > 1 ? await this.kindsOf(tenantId, unique) : new Map<string, MemberKind>();
    for (const batch of batches) {
      const members = batch.map((id): Member => ({ id, kind: known.get(id) ?? "User" }));
      await this.addBatch(tenantId, groupId, members, now, audit);
    }
  }

  async remove(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
    now: string,
    audit?: AuditOf,
  ): Promise<void> {
    const present = await this.presentMembers(tenantId, groupId, [...new Set(memberIds)]);
    const batches = chunks(present, REMOVES_PER_TRANSACTION);
    if (batches.length === 0) batches.push([]);
    for (const batch of batches) await this.removeBatch(tenantId, groupId, batch, now, audit);
  }

  private async removeBatch(
    tenantId: string,
    groupId: string,
    memberIds: string[],
    now: string,
    audit: AuditOf | undefined,
    attempt = 0,
  ) {
    try {
      await this.submit([
        this.touchGroup(tenantId, groupId, { lastModified: now }),
        ...memberIds.flatMap((memberId): TransactionAction[] => [
          ["delete", { partitionKey: tenantId, rowKey: memberRowKey(groupId, memberId) }],
          ["delete", { partitionKey: tenantId, rowKey: reverseRowKey(memberId, groupId) }],
        ]),
        ...auditAction(tenantId, memberIds.length > 0 ? audit?.(memberIds) : undefined),
      ]);
    } catch (error) {
      if (!(error instanceof MissingRowError)) throw error;
      if (error.actionIndex === 0) throw new UnknownGroupError();
      // Another request removed one of these members meanwhile: look again and remove what is left.
      if (attempt >= 3) throw error;
      const left = await this.presentMembers(tenantId, groupId, memberIds);
      await this.removeBatch(tenantId, groupId, left, now, audit, attempt + 1);
    }
  }

  async *members(tenantId: string, groupId: string): AsyncIterable<readonly Member[]> {
    const prefix = `m|${encodeKeyPart(groupId)}|`;
    try {
      for await (const page of this.client
        .listEntities<MemberRow>({
          queryOptions: { filter: this.rangeFilter(tenantId, prefix), select: ["value", "type"] },
        })
        .byPage({ maxPageSize: MEMBER_PAGE_SIZE })) {
        yield page.map((row) => ({ id: row.value, kind: row.type }));
      }
    } catch (error) {
      unavailable(error);
    }
  }

  async groupsOf(tenantId: string, memberId: string): Promise<string[]> {
    const prefix = `r|${encodeKeyPart(memberId)}|`;
    const groups: string[] = [];
    try {
      for await (const row of this.client.listEntities<{ groupId: string }>({
        queryOptions: { filter: this.rangeFilter(tenantId, prefix), select: ["groupId"] },
      })) {
        groups.push(row.groupId);
      }
    } catch (error) {
      unavailable(error);
    }
    return groups;
  }

  async removeAllOf(tenantId: string, groupId: string): Promise<void> {
    for await (const page of this.members(tenantId, groupId)) {
      await this.deletePairs(
        tenantId,
        page.map((member) => [memberRowKey(groupId, member.id), reverseRowKey(member.id, groupId)]),
      );
    }
  }

  async removeFromAll(tenantId: string, memberId: string): Promise<void> {
    const groups = await this.groupsOf(tenantId, memberId);
    await this.deletePairs(
      tenantId,
      groups.map((groupId) => [memberRowKey(groupId, memberId), reverseRowKey(memberId, groupId)]),
    );
  }

  /** Deletes forward and reverse rows together; a pair another request already deleted is skipped. */
  private async deletePairs(tenantId: string, pairs: readonly (readonly [string, string])[]): Promise<void> {
    for (const batch of chunks(pairs, MAX_TRANSACTION_ACTIONS / 2)) {
      let remaining = batch;
      while (remaining.length > 0) {
        try {
          await this.submit(
            remaining.flatMap(([forward, reverse]): TransactionAction[] => [
              ["delete", { partitionKey: tenantId, rowKey: forward }],
              ["delete", { partitionKey: tenantId, rowKey: reverse }],
            ]),
          );
          break;
        } catch (error) {
          if (!(error instanceof MissingRowError)) throw error;
          const gone = Math.floor(error.actionIndex / 2);
          remaining = remaining.filter((_, index) => index !== gone);
        }
      }
    }
  }

  private async addBatch(
    tenantId: string,
    groupId: string,
    members: Member[],
    now: string,
    audit: AuditOf | undefined,
  ): Promise<void> {
    const actions: TransactionAction[] = [
      this.touchGroup(tenantId, groupId, { lastModified: now, [MEMBERSHIPS_PROPERTY]: true }),
      ...members.flatMap((member): TransactionAction[] => [
        // Fails the transaction if the member does not exist.
        [
          "update",
          { partitionKey: tenantId, rowKey: resourceKey(member), [MEMBERSHIPS_PROPERTY]: true },
          "Merge",
        ],
        [
          "upsert",
          {
            partitionKey: tenantId,
            rowKey: memberRowKey(groupId, member.id),
            value: member.id,
            type: member.kind,
          },
          "Replace",
        ],
        ["upsert", { partitionKey: tenantId, rowKey: reverseRowKey(member.id, groupId), groupId }, "Replace"],
      ]),
      ...auditAction(tenantId, audit?.(members.map((member) => member.id))),
    ];
    try {
      await this.submit(actions);
    } catch (error) {
      const failed = error instanceof MissingRowError ? error.actionIndex : undefined;
      if (failed === undefined) throw error;
      if (failed === 0) throw new UnknownGroupError();
      const member = members[Math.floor((failed - 1) / 3)];
      if (!member) throw new UnknownGroupError();
      // The id was taken for a user; a nested group is the other thing it can be.
      if (member.kind === "User" && (await this.exists(tenantId, { id: member.id, kind: "Group" }))) {
        await this.addBatch(
          tenantId,
          groupId,
          members.map((candidate) => (candidate === member ? { id: member.id, kind: "Group" } : candidate)),
          now,
          audit,
        );
        return;
      }
      throw new UnknownMemberError(member.id);
    }
  }

  private touchGroup(tenantId: string, groupId: string, changes: Record<string, unknown>): TransactionAction {
    return [
      "update",
      { partitionKey: tenantId, rowKey: resourceRowKey(groupKind, groupId), ...changes },
      "Merge",
    ];
  }

  async verifyMembers(tenantId: string, memberIds: readonly string[]): Promise<void> {
    await this.kindsOf(tenantId, [...new Set(memberIds)]);
  }

  private async kindsOf(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberKind>> {
    const kinds = new Map<string, MemberKind>();
    for (const batch of chunks(ids, 16)) {
      await Promise.all(
        batch.map(async (id) => {
          if (await this.exists(tenantId, { id, kind: "User" })) kinds.set(id, "User");
          else if (await this.exists(tenantId, { id, kind: "Group" })) kinds.set(id, "Group");
          else throw new UnknownMemberError(id);
        }),
      );
    }
    return kinds;
  }

  private async exists(tenantId: string, member: Member): Promise<boolean> {
    try {
      await this.client.getEntity(tenantId, resourceKey(member), { queryOptions: { select: ["RowKey"] } });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      return unavailable(error);
    }
  }

  /** Which of `memberIds` are members now: one query per 14 ids (a point read for one). */
  private async presentMembers(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
  ): Promise<string[]> {
    const present: string[] = [];
    for (const batch of chunks(memberIds, KEYS_PER_LOOKUP)) {
      const keys = batch.map((id) => odata`RowKey eq ${memberRowKey(groupId, id)}`).join(" or ");
      try {
        for await (const row of this.client.listEntities<MemberRow>({
          queryOptions: { filter: `${odata`PartitionKey eq ${tenantId}`} and (${keys})`, select: ["value"] },
        })) {
          present.push(row.value);
        }
      } catch (error) {
        unavailable(error);
      }
    }
    return present;
  }

  private async submit(actions: TransactionAction[]): Promise<void> {
    if (actions.length === 0) return;
    try {
      await this.client.submitTransaction(actions);
      noteCommitted(actions);
    } catch (error) {
      if (statusOf(error) === 404) throw new MissingRowError(failedActionIndex(error) ?? 0);
      unavailable(error);
    }
  }

  private rangeFilter(tenantId: string, prefix: string): string {
    const { from, to } = prefixRange(prefix);
    return odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
  }
}

/** A transaction failed because the row of one of its actions does not exist. */
class MissingRowError extends Error {
  constructor(readonly actionIndex: number) {
    super(`Row of action ${actionIndex} does not exist.`);
  }
}
