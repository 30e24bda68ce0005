import type { AuditRecord } from "./audit";
import type { ResourceDoc } from "../scim/resource/types";
import type { StoredResourceView } from "../scim/storedView";

/** A resource as the store holds it. */
export interface StoredResource extends StoredResourceView {
  /** The store's own concurrency token for the resource row. */
  readonly etag: string;
  /** False when the resource has never been in a membership (so deleting it needs no sweep). */
  readonly mayHaveMemberships?: boolean;
}

export type Comparison = "gt" | "ge" | "lt" | "le";

export interface ScanPage {
  readonly items: readonly StoredResource[];
  /** The continuation token this page was fetched with; undefined for the first page. */
  readonly token: string | undefined;
  /** The token of the page after it; undefined after the last page. */
  readonly next?: string | undefined;
}

/** Thrown when another writer changed the resource since it was read (optimistic concurrency). */
export class ConcurrentModificationError extends Error {
  constructor() {
    super("The resource was modified concurrently.");
    this.name = "ConcurrentModificationError";
  }
}

/** Storage of one resource type, partitioned by tenant. Writes are atomic per call. */
export interface ResourceRepository {
  /** `audit`, when given, is written in the same transaction as the change it describes. */
  create(
    tenantId: string,
    id: string,
    doc: ResourceDoc,
    now: string,
    audit?: AuditRecord,
  ): Promise<StoredResource>;
  get(tenantId: string, id: string): Promise<StoredResource | undefined>;
  /** Replaces the document; throws ConcurrentModificationError if `previous` is stale. */
  update(
    tenantId: string,
    previous: StoredResource,
    doc: ResourceDoc,
    now: string,
    audit?: AuditRecord,
  ): Promise<StoredResource>;
  /**
   * Deletes the resource; throws ConcurrentModificationError if `previous` is stale. Resolves to
   * whether the resource may have been in memberships (so they must be swept): true whenever in doubt.
   */
  delete(tenantId: string, previous: StoredResource, audit?: AuditRecord): Promise<boolean>;
  /**
   * Ids whose index `indexName` holds `value` (already normalised as the index expects). These
   * reads stop after `atMost` ids (when given): callers ask for one more than they will use.
   */
  findIds(tenantId: string, indexName: string, value: string, atMost?: number): Promise<string[]>;
  /** Ids whose index `indexName` holds a value that compares to `value` as `op` says. */
  findIdsByComparison(
    tenantId: string,
    indexName: string,
    op: Comparison,
    value: string,
    atMost?: number,
  ): Promise<string[]>;
  /** Ids whose index `indexName` holds a value starting with `prefix`, in value order. */
  findIdsByPrefix(tenantId: string, indexName: string, prefix: string, atMost?: number): Promise<string[]>;
  /**
   * Every resource of the tenant in id order, a bounded page at a time, starting at the page that
   * `from` (a token an earlier page carried) names; each page carries the token that fetched it.
   * `pageSize` is how many rows one storage page asks for (a listing asks for what it will use).
   */
  scanPages(tenantId: string, from?: string, pageSize?: number): AsyncIterable<ScanPage>;
  count(tenantId: string): Promise<number>;
}
