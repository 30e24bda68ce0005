import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import {
  countRowKeys,
  groupKind,
  indexRowKeys,
  isTombstone,
  keptCountOf,
  mayHaveMemberships,
  parseDoc,
  resourceRowKey,
  userKind,
  type ResourceKind,
} from "../../src/store";

/**
 * Scans a tenant's partition of the resources table and reports every row that breaks the layout's
 * invariants (README "Storage"): an index row per indexed value of every resource and no other, a
 * membership as a forward `m|group|member` and a reverse `r|member|group` row, both ends existing.
 */

type FindingKind =
  /** An index row whose resource row does not exist. */
  | "orphanIndex"
  /** An index row whose resource exists but no longer holds the indexed value (or names another id). */
  | "staleIndex"
  /** A resource whose indexed value has no index row (or whose unique index row names another id). */
  | "missingIndex"
  /** A membership row whose group does not exist. */
  | "membershipWithoutGroup"
  /** A membership row whose member (user or group) does not exist. */
  | "membershipWithoutMember"
  /** A forward row `m|group|member` without its reverse row. */
  | "missingReverse"
  /** A reverse row `r|member|group` without its forward row. */
  | "missingForward"
  /** A membership row whose properties disagree with its key. */
  | "malformedMembership"
  /** A resource row whose document cannot be read. */
  | "unreadableResource"
  /** A tombstone left by a delete that storage interrupted (reads treat it as missing and remove it). */
  | "leftoverTombstone"
  /**
   * A resource marked as never in a membership while a membership row names it: deleting it would
   * skip the sweep and leave those rows behind.
   */
  | "unflaggedMembership"
  /**
   * A count kept for `totalResults` that is still current (no create or delete renewed the generation
   * since) but differs from the resources of its kind: listings would report a wrong total.
   */
  | "wrongKeptCount";

export interface Finding {
  readonly tenantId: string;
  readonly kind: FindingKind;
  readonly rowKey: string;
  readonly detail: string;
}

export interface TenantReport {
  readonly tenantId: string;
  readonly rows: number;
  readonly users: number;
  readonly groups: number;
  readonly indexRows: number;
  readonly memberships: number;
  /** Rows with a prefix this checker does not know (left alone, not findings). */
  readonly otherRows: number;
  readonly findings: readonly Finding[];
}

type Row = TableEntityResult<Record<string, unknown>>;

const KINDS: readonly ResourceKind[] = [userKind, groupKind];

function kindOfPrefix(prefix: string): ResourceKind | undefined {
  return KINDS.find((kind) => kind.rowPrefix === prefix);
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Everything the checks need from one partition, keys only (documents are reduced to index keys). */
class PartitionState {
  rows = 0;
  otherRows = 0;
  /** Resource row key → the index row keys its document calls for. */
  readonly resources = new Map<string, readonly string[]>();
  /** Index row key → the id the row names. */
  readonly indexes = new Map<string, string>();
  /** `m|g|member` → the member's type (User/Group) and id as stored. */
  readonly forward = new Map<string, { value: unknown; type: unknown }>();
  /** `r|member|g` → the group id as stored. */
  readonly reverse = new Map<string, unknown>();
  /** Resource row keys marked as never in a membership. */
  readonly memberless = new Set<string>();
  /** The generation and kept-count rows (`n|gen|…`, `n|count|…`), by row key. */
  readonly countRows = new Map<string, Row>();
  readonly findings: Finding[] = [];

  constructor(readonly tenantId: string) {}

  add(row: Row): void {
    this.rows += 1;
    const rowKey = String(row.rowKey);
    const bar = rowKey.indexOf("|");
    const prefix = bar < 0 ? rowKey : rowKey.slice(0, bar);
    const kind = kindOfPrefix(prefix);
    if (kind) {
      this.addResource(kind, rowKey, row);
      return;
    }
    switch (prefix) {
      case "x":
        this.indexes.set(rowKey, typeof row.id === "string" ? row.id : "");
        return;
      case "m":
        this.forward.set(rowKey, { value: row.value, type: row.type });
        return;
      case "r":
        this.reverse.set(rowKey, row.groupId);
        return;
      case "n":
        this.countRows.set(rowKey, row);
        return;
      default:
        this.otherRows += 1;
    }
  }

  private addResource(kind: ResourceKind, rowKey: string, row: Row): void {
    const id = decodePart(rowKey.slice(kind.rowPrefix.length + 1));
    if (isTombstone(row)) {
      this.finding("leftoverTombstone", rowKey, `${kind.name} ${id} is deleted`);
      return;
    }
    if (!mayHaveMemberships(row)) this.memberless.add(rowKey);
    try {
      this.resources.set(rowKey, indexRowKeys(kind, parseDoc(row), id));
    } catch (error) {
      this.resources.set(rowKey, []);
      this.finding("unreadableResource", rowKey, error instanceof Error ? error.message : String(error));
    }
  }

  finding(kind: FindingKind, rowKey: string, detail: string): void {
    this.findings.push({ tenantId: this.tenantId, kind, rowKey, detail });
  }

  check(): void {
    this.checkIndexes();
    this.checkMemberships();
    this.checkKeptCounts();
  }

  private checkKeptCounts(): void {
    for (const kind of KINDS) {
      const keys = countRowKeys(kind);
      const { count } = keptCountOf(this.countRows.get(keys.generation), this.countRows.get(keys.count));
      if (count === undefined) continue;
      let actual = 0;
      for (const key of this.resources.keys()) if (key.startsWith(`${kind.rowPrefix}|`)) actual += 1;
      if (count !== actual) {
        this.finding(
          "wrongKeptCount",
          keys.count,
          `keeps ${count} ${kind.name} resources, the partition holds ${actual}`,
        );
      }
    }
  }

  private checkIndexes(): void {
    const expectedBy = new Map<string, string>();
    for (const [resourceKey, keys] of this.resources) {
      for (const key of keys) {
        expectedBy.set(key, resourceKey);
        const named = this.indexes.get(key);
        const id = decodePart(resourceKey.slice(2));
        if (named === undefined) this.finding("missingIndex", key, `${resourceKey} has no index row ${key}`);
        else if (named !== id) {
          this.finding("missingIndex", key, `${resourceKey} needs ${key}, which names '${named}' instead`);
        }
      }
    }
    for (const [key, id] of this.indexes) {
      // x|u.userName|… → the resource kind is the letter before the dot.
      const kind = kindOfPrefix(key.slice(2, key.indexOf(".")));
      if (!kind) {
        this.finding("orphanIndex", key, "index row of an unknown resource kind");
        continue;
      }
      const resourceKey = resourceRowKey(kind, id);
      if (!this.resources.has(resourceKey)) {
        this.finding("orphanIndex", key, `names '${id}', but ${resourceKey} does not exist`);
      } else if (expectedBy.get(key) !== resourceKey) {
        this.finding("staleIndex", key, `names '${id}', whose document no longer holds this value`);
      }
    }
  }

  private checkMemberships(): void {
    for (const [key, { value, type }] of this.forward) {
      const [, groupPart = "", memberPart = ""] = key.split("|");
      const groupId = decodePart(groupPart);
      const memberId = decodePart(memberPart);
      if (value !== memberId || (type !== "User" && type !== "Group")) {
        this.finding(
          "malformedMembership",
          key,
          `holds value ${JSON.stringify(value)}, type ${String(type)}`,
        );
      }
      this.checkEnds(key, groupId, memberId, type === "Group" ? groupKind : userKind);
      if (!this.reverse.has(`r|${memberPart}|${groupPart}`)) {
        this.finding("missingReverse", key, `no r|${memberPart}|${groupPart}`);
      }
    }
    for (const [key, groupValue] of this.reverse) {
      const [, memberPart = "", groupPart = ""] = key.split("|");
      const groupId = decodePart(groupPart);
      if (groupValue !== groupId) {
        this.finding("malformedMembership", key, `holds groupId ${JSON.stringify(groupValue)}`);
      }
      const forward = this.forward.get(`m|${groupPart}|${memberPart}`);
      if (!forward) {
        this.finding("missingForward", key, `no m|${groupPart}|${memberPart}`);
        this.checkEnds(key, groupId, decodePart(memberPart), undefined);
      }
    }
  }

  /**
   * The group and the member exist (a member of unknown kind may be a user or a group), and
   * neither is marked as never in a membership (reported once per resource).
   */
  private checkEnds(key: string, groupId: string, memberId: string, kind: ResourceKind | undefined): void {
    if (!this.resources.has(resourceRowKey(groupKind, groupId))) {
      this.finding("membershipWithoutGroup", key, `group '${groupId}' does not exist`);
    }
    const candidates = kind ? [kind] : KINDS;
    const ends = [resourceRowKey(groupKind, groupId), ...candidates.map((c) => resourceRowKey(c, memberId))];
    for (const end of ends.filter((resourceKey) => this.memberless.delete(resourceKey))) {
      this.finding("unflaggedMembership", end, `marked as never in a membership, but ${key} names it`);
    }
    if (!candidates.some((candidate) => this.resources.has(resourceRowKey(candidate, memberId)))) {
      this.finding("membershipWithoutMember", key, `member '${memberId}' does not exist`);
    }
  }

  report(): TenantReport {
    let users = 0;
    for (const key of this.resources.keys()) if (key.startsWith(`${userKind.rowPrefix}|`)) users += 1;
    return {
      tenantId: this.tenantId,
      rows: this.rows,
      users,
      groups: this.resources.size - users,
      indexRows: this.indexes.size,
      memberships: this.forward.size,
      otherRows: this.otherRows,
      findings: this.findings,
    };
  }
}

const PAGE_SIZE = 1000;

async function* partitions(client: TableClient, filter?: string): AsyncIterable<PartitionState> {
  let state: PartitionState | undefined;
  // Table Storage returns rows ordered by PartitionKey, then RowKey: one partition at a time in memory.
  const pages = client.listEntities({ queryOptions: filter ? { filter } : {} }).byPage({
    maxPageSize: PAGE_SIZE,
  });
  for await (const page of pages) {
    for (const row of page as Row[]) {
      const tenantId = String(row.partitionKey);
      if (state?.tenantId !== tenantId) {
        if (state) yield state;
        state = new PartitionState(tenantId);
      }
      state.add(row);
    }
  }
  if (state) yield state;
}

/** Checks one tenant's partition. A quiescent tenant is expected: a write in flight can show up as a finding. */
export async function checkTenant(client: TableClient, tenantId: string): Promise<TenantReport> {
  for await (const state of partitions(client, odata`PartitionKey eq ${tenantId}`)) {
    state.check();
    return state.report();
  }
  return new PartitionState(tenantId).report();
}

/** Checks every partition of the table, one at a time. */
export async function checkAllTenants(client: TableClient): Promise<TenantReport[]> {
  const reports: TenantReport[] = [];
  for await (const state of partitions(client)) {
    state.check();
    reports.push(state.report());
  }
  return reports;
}

/** One line a finding, for logs and test failure messages. */
export function formatFinding(finding: Finding): string {
  return `${finding.tenantId}\t${finding.kind}\t${finding.rowKey}\t${finding.detail}`;
}
