import { conflict } from "../../src/scim/errors";
import type { ResourceDoc } from "../../src/scim/resource/types";
import type { ResourceKind } from "../../src/store/resourceKinds";
import {
  ConcurrentModificationError,
  type Comparison,
  type ResourceRepository,
  type ScanPage,
  type StoredResource,
} from "../../src/service/repository";

const PAGE_SIZE = 200;

const COMPARE: Record<Comparison, (a: string, b: string) => boolean> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

/**
 * A ResourceRepository in memory, for service tests in the unit lane. It keeps the Table store's
 * contract (test/service/resourceRepositoryContract.ts runs against both): unique indexes refuse a
 * duplicate with 409 uniqueness, a stale `previous` is a ConcurrentModificationError, ids and index
 * values come back in key order, and scans resume at a page's token.
 */
export class InMemoryResourceRepository implements ResourceRepository {
  private readonly tenants = new Map<string, Map<string, StoredResource>>();
  private writes = 0;

  constructor(private readonly kind: ResourceKind) {}

  create(tenantId: string, id: string, doc: ResourceDoc, now: string): Promise<StoredResource> {
    return settled(() => {
      const resources = this.partition(tenantId);
      if (resources.has(id)) throw conflict(`A ${this.kind.name} with id '${id}' already exists.`);
      this.checkUnique(resources, id, doc);
      return this.put(resources, { id, doc, created: now, lastModified: now });
    });
  }

  get(tenantId: string, id: string): Promise<StoredResource | undefined> {
    return Promise.resolve(this.partition(tenantId).get(id));
  }

  update(tenantId: string, previous: StoredResource, doc: ResourceDoc, now: string): Promise<StoredResource> {
    return settled(() => {
      const resources = this.partition(tenantId);
      if (resources.get(previous.id)?.etag !== previous.etag) throw new ConcurrentModificationError();
      this.checkUnique(resources, previous.id, doc);
      return this.put(resources, { ...previous, doc, lastModified: now });
    });
  }

  /** Memberships are not this repository's: the sweep is always needed. */
  delete(tenantId: string, previous: StoredResource): Promise<boolean> {
    return settled(() => {
      const resources = this.partition(tenantId);
      if (resources.get(previous.id)?.etag !== previous.etag) throw new ConcurrentModificationError();
      resources.delete(previous.id);
      return true;
    });
  }

  findIds(tenantId: string, indexName: string, value: string): Promise<string[]> {
    return Promise.resolve(this.matching(tenantId, indexName, (indexed) => indexed === value));
  }

  findIdsByComparison(tenantId: string, indexName: string, op: Comparison, value: string): Promise<string[]> {
    return Promise.resolve(this.matching(tenantId, indexName, (indexed) => COMPARE[op](indexed, value)));
  }

  findIdsByPrefix(tenantId: string, indexName: string, prefix: string): Promise<string[]> {
    return Promise.resolve(this.matching(tenantId, indexName, (indexed) => indexed.startsWith(prefix)));
  }

  async *scanPages(tenantId: string, from?: string, pageSize = PAGE_SIZE): AsyncIterable<ScanPage> {
    const resources = this.partition(tenantId);
    const ids = [...resources.keys()].sort(compare);
    for (let start = from === undefined ? 0 : Number(from); ; start += pageSize) {
      const items = ids.slice(start, start + pageSize).flatMap((id) => resources.get(id) ?? []);
      const next = start + pageSize < ids.length ? String(start + pageSize) : undefined;
      yield await Promise.resolve({ items, token: start === 0 ? undefined : String(start), next });
      if (next === undefined) return;
    }
  }

  count(tenantId: string): Promise<number> {
    return Promise.resolve(this.partition(tenantId).size);
  }

  private partition(tenantId: string): Map<string, StoredResource> {
    let resources = this.tenants.get(tenantId);
    if (!resources) this.tenants.set(tenantId, (resources = new Map()));
    return resources;
  }

  private put(resources: Map<string, StoredResource>, resource: Omit<StoredResource, "etag" | "version">) {
    this.writes += 1;
    const stored = { ...resource, etag: String(this.writes), version: `W/"${this.writes}"` };
    resources.set(resource.id, stored);
    return stored;
  }

  private checkUnique(resources: Map<string, StoredResource>, id: string, doc: ResourceDoc): void {
    for (const index of this.kind.indexes.filter((candidate) => candidate.unique)) {
      const taken = index
        .values(doc)
        .some((value) =>
          [...resources.values()].some((other) => other.id !== id && index.values(other.doc).includes(value)),
        );
      if (taken)
        throw conflict(`A ${this.kind.name} with ${index.name} '${String(doc[index.name])}' already exists.`);
    }
  }

  /** Ids whose index values satisfy `test`, in (value, id) order like the store's index rows. */
  private matching(tenantId: string, indexName: string, test: (indexed: string) => boolean): string[] {
    const index = this.kind.indexes.find((candidate) => candidate.name === indexName);
    if (!index) throw new Error(`No index '${indexName}' on ${this.kind.name}`);
    const rows = [...this.partition(tenantId).values()].flatMap((stored) =>
      index.values(stored.doc).map((value) => ({ value, id: stored.id })),
    );
    rows.sort((a, b) => (a.value === b.value ? compare(a.id, b.id) : compare(a.value, b.value)));
    return [...new Set(rows.filter((row) => test(row.value)).map((row) => row.id))];
  }
}

/** The result of `work` as a promise: what it throws becomes a rejection, as from a real store. */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
