import { hash } from "node:crypto";
import {
  odata,
  type TableClient,
  type TableTransactionEntityResponse,
  type TransactionAction,
} from "@azure/data-tables";
import { badRequest, conflict } from "../scim/errors";
import type { ResourceDoc } from "../scim/resource/types";
import {
  ConcurrentModificationError,
  type Comparison,
  type ResourceRepository,
  type ScanPage,
  type StoredResource,
} from "../service/repository";
import type { AuditRecord } from "../service/audit";
import { auditAction } from "./auditRows";
import { noteCommitted } from "./outboxRows";
import { checkContinuationToken } from "./continuationTokens";
import { keepCount, keptCount, newGenerationAction } from "./countRows";
import { deletedInTransaction, guardedDeleteAction } from "./guardedDelete";
import { countKeysRead, countRowsRead } from "./roundTrips";
import { prefixRange } from "./keys";
import type { IndexDefinition, ResourceKind } from "./resourceKinds";
import {
  docChunks,
  indexEntries,
  indexPrefix,
  indexRowKeys,
  indexValuePrefix,
  isTombstone,
  mayHaveMemberships,
  MAX_DOC_CHARS,
  MEMBERSHIPS_PROPERTY,
  parseDoc,
  resourceRowKey,
  resourceRowPrefix,
  serializeDoc,
  TOMBSTONE_PROPERTY,
} from "./rows";
import { unavailable } from "../service/storageUnavailable";
import { failedActionIndex, statusOf } from "./storageErrors";
import { MAX_TRANSACTION_ACTIONS } from "./transactionLimit";

/** OData comparisons of an index row's value (the tag quotes and escapes the value). */
const VALUE_COMPARISONS: Record<Comparison, (value: string) => string> = {
  gt: (value) => odata`v gt ${value}`,
  ge: (value) => odata`v ge ${value}`,
  lt: (value) => odata`v lt ${value}`,
  le: (value) => odata`v le ${value}`,
};

const SCAN_PAGE_SIZE = 200;
/** Table Storage returns at most 1,000 entities a page. */
const MAX_SCAN_PAGE_SIZE = 1000;

// A type alias (not an interface) so it satisfies the SDK's Record-typed entity parameter.
type IndexRow = {
  partitionKey: string;
  rowKey: string;
  id: string;
  /** The indexed value, so comparisons (gt, le, ...) can be filtered by the store on index rows alone. */
  v: string;
};

/**
 * The resource's SCIM version is derived from the row's ETag, so every write changes it, including
 * membership changes that only touch the group row with a merge.
 */
export function versionFromEtag(etag: string): string {
  // The one-shot hash: a Hash object per resource read cost 3× the digest (every listed resource has one).
  return `W/"${hash("sha256", etag, "base64url").slice(0, 16)}"`;
}

function withEtag(resource: Omit<StoredResource, "etag" | "version">, etag: string): StoredResource {
  return { ...resource, etag, version: versionFromEtag(etag) };
}

/** Sub-responses come in action order, and the resource row is always the first action. */
function resourceRowEtag(subResponses: readonly { etag?: string }[]): string {
  return subResponses[0]?.etag ?? "";
}

/** Users or groups in Table Storage: one partition per tenant, index rows beside each resource row. */
export class TableResourceStore implements ResourceRepository {
  constructor(
    private readonly client: TableClient,
    private readonly kind: ResourceKind,
  ) {}

  async create(
    tenantId: string,
    id: string,
    doc: ResourceDoc,
    now: string,
    audit?: AuditRecord,
  ): Promise<StoredResource> {
    const stored: StoredResource = {
      id,
      doc,
      created: now,
      lastModified: now,
      version: "",
      etag: "",
      mayHaveMemberships: false,
    };
    const entries = indexEntries(this.kind, doc, id);
    const indexKeys = [...entries.keys()];
    const actions: TransactionAction[] = [
      ["create", this.entity(tenantId, stored)],
      ...indexKeys.map((rowKey): TransactionAction => [
        "create",
        this.indexRow(tenantId, rowKey, id, entries.get(rowKey) ?? ""),
      ]),
      ...auditAction(tenantId, audit, doc),
      newGenerationAction(tenantId, this.kind),
    ];
    const response = await this.submit(tenantId, actions, doc, indexKeys, 1);
    return withEtag(stored, resourceRowEtag(response));
  }

  async get(tenantId: string, id: string): Promise<StoredResource | undefined> {
    try {
      const rowKey = resourceRowKey(this.kind, id);
      const entity = await this.client.getEntity(tenantId, rowKey);
      countRowsRead(1);
      if (!isTombstone(entity)) return this.fromEntity(id, entity);
      await this.removeTombstone(tenantId, rowKey).catch(() => undefined);
      return undefined;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }

  async update(
    tenantId: string,
    previous: StoredResource,
    doc: ResourceDoc,
    now: string,
    audit?: AuditRecord,
  ): Promise<StoredResource> {
    const next: StoredResource = { ...previous, doc, lastModified: now };
    const before = new Set(indexRowKeys(this.kind, previous.doc, previous.id));
    const entries = indexEntries(this.kind, doc, previous.id);
    const after = [...entries.keys()];
    const added = after.filter((key) => !before.has(key));
    const removed = [...before].filter((key) => !after.includes(key));
    const actions: TransactionAction[] = [
      ["update", this.entity(tenantId, next), "Replace", { etag: previous.etag }],
      ...removed.map((rowKey): TransactionAction => ["delete", { partitionKey: tenantId, rowKey }]),
      ...added.map((rowKey): TransactionAction => [
        "create",
        this.indexRow(tenantId, rowKey, previous.id, entries.get(rowKey) ?? ""),
      ]),
      ...auditAction(tenantId, audit, doc),
    ];
    const response = await this.submit(tenantId, actions, doc, added, 1 + removed.length);
    return withEtag(next, resourceRowEtag(response));
  }

  /**
   * One transaction deletes the row under its ETag (see guardedDelete) with its index rows and
   * writes the audit row: a write that slipped in after `previous` was read (an index row added, a
   * membership add merged into the row) fails the delete instead of being lost. A client without
   * the guarded-delete policy writes a tombstone under the ETag instead, deleted afterwards under
   * its own ETag: a tombstone changed meanwhile means an add landed on it, and its memberships need
   * the sweep after all.
   */
  async delete(tenantId: string, previous: StoredResource, audit?: AuditRecord): Promise<boolean> {
    const rowKey = resourceRowKey(this.kind, previous.id);
    const actions: TransactionAction[] = [
      guardedDeleteAction(tenantId, rowKey, previous.etag),
      ...indexRowKeys(this.kind, previous.doc, previous.id).map((indexKey): TransactionAction => [
        "delete",
        { partitionKey: tenantId, rowKey: indexKey },
      ]),
      ...auditAction(tenantId, audit, previous.doc),
      newGenerationAction(tenantId, this.kind),
    ];
    let resourceRow: TableTransactionEntityResponse | undefined;
    try {
      [resourceRow] = (await this.client.submitTransaction(actions)).subResponses;
      noteCommitted(actions);
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) throw new ConcurrentModificationError();
      return unavailable(error);
    }
    const mayHaveHadMemberships = previous.mayHaveMemberships !== false;
    if (deletedInTransaction(resourceRow)) return mayHaveHadMemberships;
    const untouched = await this.removeTombstoneIfUnchanged(tenantId, rowKey, resourceRow?.etag ?? "");
    if (!untouched) await this.removeTombstone(tenantId, rowKey);
    return !untouched || mayHaveHadMemberships;
  }

  /**
   * Whether the tombstone was deleted as the delete left it. False when it changed (a membership
   * add merged into it) or went already (a read removed it: whether an add came first is unknown).
   */
  private async removeTombstoneIfUnchanged(tenantId: string, rowKey: string, etag: string): Promise<boolean> {
    if (etag === "") return false;
    try {
      await this.client.deleteEntity(tenantId, rowKey, { etag });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 412) return false;
      return unavailable(error);
    }
  }

  /** Nothing revives a tombstone (reads see no resource), so it is deleted without an ETag. */
  private async removeTombstone(tenantId: string, rowKey: string): Promise<void> {
    try {
      await this.client.deleteEntity(tenantId, rowKey);
    } catch (error) {
      if (statusOf(error) !== 404) unavailable(error);
    }
  }

  async findIds(tenantId: string, indexName: string, value: string, atMost?: number): Promise<string[]> {
    const index = this.index(indexName);
    const prefix = indexValuePrefix(this.kind, index, value);
    if (!index.unique) return this.idsInRange(this.rangeFilter(tenantId, prefix), atMost);
    try {
      const row = await this.client.getEntity<IndexRow>(tenantId, prefix.slice(0, -1));
      countRowsRead(1);
      return [row.id];
    } catch (error) {
      if (statusOf(error) === 404) return [];
      return unavailable(error);
    }
  }

  /**
   * Ids whose indexed value compares to `value` as `op` says: the store filters the index's rows
   * (never the resources), so the comparison costs one range read of index rows.
   */
  async findIdsByComparison(
    tenantId: string,
    indexName: string,
    op: Comparison,
    value: string,
    atMost?: number,
  ): Promise<string[]> {
    const index = this.index(indexName);
    const range = this.rangeFilter(tenantId, indexPrefix(this.kind, index));
    const ids = await this.idsInRange(`${range} and ${VALUE_COMPARISONS[op](value)}`, atMost);
    return [...new Set(ids)];
  }

  findIdsByPrefix(tenantId: string, indexName: string, prefix: string, atMost?: number): Promise<string[]> {
    const index = this.index(indexName);
    // Drop the separator: every value that starts with the prefix sorts inside this range.
    const range = indexValuePrefix(this.kind, index, prefix).slice(0, -1);
    return this.idsInRange(this.rangeFilter(tenantId, range), atMost);
  }

  async *scanPages(tenantId: string, from?: string, pageSize = SCAN_PAGE_SIZE): AsyncIterable<ScanPage> {
    if (from !== undefined) checkContinuationToken(from);
    const pages = this.client
      .listEntities({ queryOptions: { filter: this.rangeFilter(tenantId, resourceRowPrefix(this.kind)) } })
      .byPage({
        maxPageSize: Math.min(Math.max(1, pageSize), MAX_SCAN_PAGE_SIZE),
        ...(from === undefined ? {} : { continuationToken: from }),
      });
    let token = from;
    try {
      for await (const page of pages) {
        countRowsRead(page.length);
        const items = page
          .filter((entity) => !isTombstone(entity))
          .map((entity) => this.fromEntity(this.idOf(entity.rowKey), entity));
        yield { items, token, next: page.continuationToken };
        token = page.continuationToken;
        if (token === undefined) return;
      }
    } catch (error) {
      unavailable(error);
    }
  }

  /** The ids of the index rows `filter` selects; with `atMost`, pages of that size, stopping once reached. */
  private async idsInRange(filter: string, atMost?: number): Promise<string[]> {
    const ids: string[] = [];
    try {
      const pages = this.client
        .listEntities<IndexRow>({ queryOptions: { filter, select: ["id"] } })
        .byPage(atMost === undefined ? {} : { maxPageSize: Math.min(atMost, 1000) });
      for await (const page of pages) {
        countRowsRead(page.length);
        for (const row of page) ids.push(row.id);
        if (atMost !== undefined && ids.length >= atMost) return ids.slice(0, atMost);
      }
    } catch (error) {
      unavailable(error);
    }
    return ids;
  }

  /** The kept count when no resource of the kind was created or deleted since it was made (countRows.ts). */
  async count(tenantId: string): Promise<number> {
    let total = 0;
    try {
      const kept = await keptCount(this.client, tenantId, this.kind);
      if (kept.count !== undefined) return kept.count;
      total = await this.countKeys(tenantId);
      await keepCount(this.client, tenantId, this.kind, total, kept.generation);
    } catch (error) {
      unavailable(error);
    }
    return total;
  }

  private async countKeys(tenantId: string): Promise<number> {
    let total = 0;
    for await (const page of this.client
      .listEntities({
        queryOptions: {
          filter: this.rangeFilter(tenantId, resourceRowPrefix(this.kind)),
          select: ["RowKey", TOMBSTONE_PROPERTY],
        },
      })
      .byPage({ maxPageSize: 1000 })) {
      countKeysRead(page.length);
      total += page.filter((entity) => !isTombstone(entity)).length;
    }
    return total;
  }

  private async submit(
    tenantId: string,
    actions: TransactionAction[],
    doc: ResourceDoc,
    createdIndexKeys: readonly string[],
    firstCreatedIndexAction: number,
    healed = false,
  ): Promise<TableTransactionEntityResponse[]> {
    if (actions.length > MAX_TRANSACTION_ACTIONS) {
      throw badRequest(
        "invalidValue",
        `The ${this.kind.name} has too many indexed values to store atomically.`,
      );
    }
    try {
      const { subResponses } = await this.client.submitTransaction(actions);
      noteCommitted(actions);
      return subResponses;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) throw new ConcurrentModificationError();
      if (status !== 409) return unavailable(error);
      const failed = failedActionIndex(error);
      const key = failed === undefined ? undefined : createdIndexKeys[failed - firstCreatedIndexAction];
      if (!healed && key !== undefined && (await this.removeOrphan(tenantId, key))) {
        return this.submit(tenantId, actions, doc, createdIndexKeys, firstCreatedIndexAction, true);
      }
      throw this.uniquenessConflict(error, doc, createdIndexKeys, firstCreatedIndexAction);
    }
  }

  /**
   * A unique index row whose resource is gone (left by a write that raced a delete) would refuse
   * its value forever: remove it (guarded by its ETag) so the write can be retried. Returns
   * whether it was an orphan.
   */
  private async removeOrphan(tenantId: string, indexKey: string): Promise<boolean> {
    try {
      const row = await this.client.getEntity<IndexRow>(tenantId, indexKey);
      if (await this.get(tenantId, row.id)) return false;
      await this.client.deleteEntity(tenantId, indexKey, { etag: row.etag });
      return true;
    } catch (error) {
      const status = statusOf(error);
      // Gone already, or changed meanwhile: either way the retry decides.
      if (status === 404 || status === 412) return true;
      return unavailable(error);
    }
  }

  private uniquenessConflict(error: unknown, doc: ResourceDoc, keys: readonly string[], offset: number) {
    const failed = failedActionIndex(error);
    const key = failed === undefined ? undefined : keys[failed - offset];
    const index = this.kind.indexes.find((candidate) =>
      key?.startsWith(`x|${this.kind.rowPrefix}.${candidate.name}|`),
    );
    const attribute = index?.name ?? this.kind.indexes.find((candidate) => candidate.unique)?.name ?? "id";
    const value = doc[attribute];
    const shown = typeof value === "string" ? ` '${value}'` : "";
    return conflict(`A ${this.kind.name} with ${attribute}${shown} already exists.`);
  }

  private index(name: string): IndexDefinition {
    const index = this.kind.indexes.find((candidate) => candidate.name === name);
    if (!index) throw new Error(`No index '${name}' on ${this.kind.name}`);
    return index;
  }

  private rangeFilter(tenantId: string, prefix: string): string {
    const { from, to } = prefixRange(prefix);
    return odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
  }

  private entity(tenantId: string, stored: StoredResource) {
    const chunks = serializeDoc(stored.doc);
    if (chunks.reduce((length, chunk) => length + chunk.length, 0) > MAX_DOC_CHARS) {
      throw badRequest(
        "invalidValue",
        `The ${this.kind.name} exceeds the largest resource the store can hold.`,
      );
    }
    return {
      partitionKey: tenantId,
      rowKey: resourceRowKey(this.kind, stored.id),
      created: stored.created,
      lastModified: stored.lastModified,
      chunks: chunks.length,
      [MEMBERSHIPS_PROPERTY]: stored.mayHaveMemberships !== false,
      ...docChunks(chunks),
    };
  }

  private indexRow(tenantId: string, rowKey: string, id: string, value: string): IndexRow {
    return { partitionKey: tenantId, rowKey, id, v: value };
  }

  private idOf(rowKey: unknown): string {
    const key = String(rowKey).slice(resourceRowPrefix(this.kind).length);
    return decodeURIComponent(key);
  }

  private fromEntity(id: string, entity: Record<string, unknown>): StoredResource {
    // Built once (not through withEtag's copy): a list page makes one per listed resource.
    const etag = String(entity.etag);
    return {
      id,
      doc: parseDoc(entity),
      created: String(entity.created),
      lastModified: String(entity.lastModified),
      mayHaveMemberships: mayHaveMemberships(entity),
      etag,
      version: versionFromEtag(etag),
    };
  }
}
