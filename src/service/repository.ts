import type { ResourceDoc } from "../scim/resource/types";
import type { StoredResourceView } from "../scim/storedView";

/** A resource as the store holds it. */
export interface StoredResource extends StoredResourceView {
  /** The store's own concurrency token for the resource row. */
  readonly etag: string;
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
  create(tenantId: string, id: string, doc: ResourceDoc, now: string): Promise<StoredResource>;
  get(tenantId: string, id: string): Promise<StoredResource | undefined>;
  /** Replaces the document; throws ConcurrentModificationError if `previous` is stale. */
  update(tenantId: string, previous: StoredResource, doc: ResourceDoc, now: string): Promise<StoredResource>;
  delete(tenantId: string, previous: StoredResource): Promise<void>;
  /** Ids whose index `indexName` holds `value` (already normalised as the index expects). */
  findIds(tenantId: string, indexName: string, value: string): Promise<string[]>;
  /** Every resource of the tenant, in id order, streamed page by page. */
  scan(tenantId: string): AsyncIterable<StoredResource>;
  count(tenantId: string): Promise<number>;
}
