import {
  candidates,
  decodeCursor,
  encodeCursor,
  MAX_INDEXED_CANDIDATES,
  READ_CONCURRENCY,
} from "../../src/service/candidates";
import type { QueryPlan } from "../../src/service/queryPlanner";
import type { ResourceRepository, StoredResource } from "../../src/service/repository";

/** A repository of `size` resources whose every index read names `named` ids; counts what it is asked. */
function fakeRepository(size: number, named: number) {
  const calls = {
    indexReads: 0,
    pointReads: 0,
    scanPages: 0,
    inFlight: 0,
    maxInFlight: 0,
    asked: [] as number[],
  };
  const stored = (id: string): StoredResource => ({
    id,
    doc: { userName: id },
    created: "",
    lastModified: "",
    version: "",
    etag: "",
  });
  const ids = (value: string, atMost?: number) => {
    calls.indexReads += 1;
    calls.asked.push(atMost ?? Infinity);
    return Promise.resolve(
      Array.from({ length: Math.min(named, atMost ?? named) }, (_, index) => `${value}id${index}`),
    );
  };
  const repository: Partial<ResourceRepository> = {
    findIds: (_tenant, _index, value, atMost) => ids(value, atMost),
    findIdsByPrefix: (_tenant, _index, prefix, atMost) => ids(prefix, atMost),
    findIdsByComparison: (_tenant, _index, _op, value, atMost) => ids(value, atMost),
    async get(_tenant, id) {
      calls.pointReads += 1;
      calls.inFlight += 1;
      calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      calls.inFlight -= 1;
      return stored(id);
    },
    async *scanPages(_tenant, from) {
      for (let start = from === undefined ? 0 : Number(from.slice(1)); start < size; start += 200) {
        calls.scanPages += 1;
        await Promise.resolve();
        yield {
          items: Array.from({ length: Math.min(200, size - start) }, (_, index) =>
            stored(`s${start + index}`),
          ),
          token: start === 0 ? undefined : `t${start}`,
        };
      }
    },
  };
  return { repository: repository as ResourceRepository, calls };
}

async function all(repository: ResourceRepository, plan: QueryPlan) {
  const found: string[] = [];
  for await (const candidate of candidates(repository, "t", plan)) found.push(candidate.stored.id);
  return found;
}

const range: QueryPlan = { kind: "compare", index: "userName", op: "gt", value: "" };

describe("candidates of a plan", () => {
  it("reads the resources an index names a few at a time, in order, never all at once", async () => {
    const { repository, calls } = fakeRepository(1000, 50);
    const found = await all(repository, range);
    expect(found).toEqual(Array.from({ length: 50 }, (_, index) => `id${index}`));
    expect(calls.pointReads).toBe(50);
    expect(calls.maxInFlight).toBeGreaterThan(1);
    expect(calls.maxInFlight).toBeLessThanOrEqual(READ_CONCURRENCY);
    expect(calls.scanPages).toBe(0);
  });

  it("scans instead once the index names more than MAX_INDEXED_CANDIDATES, reading no more index rows", async () => {
    const { repository, calls } = fakeRepository(300, 3000);
    const found = await all(repository, range);
    expect(found).toHaveLength(300);
    expect(found[0]).toBe("s0");
    expect(calls.asked).toEqual([MAX_INDEXED_CANDIDATES + 1]);
    expect(calls.pointReads).toBe(0);
    expect(calls.scanPages).toBe(2);
  });

  it("scans when a union's reads together name too many, and resumes that walk as a scan", async () => {
    const { repository, calls } = fakeRepository(300, 60);
    // Two reads of 60 distinct ids each: 120 candidates, more than point reads are worth.
    const union: QueryPlan = { kind: "union", plans: [range, { ...range, value: "a" }] };
    const walked: string[] = [];
    let resume: string | undefined;
    for await (const candidate of candidates(repository, "t", union)) {
      walked.push(candidate.stored.id);
      if (walked.length === 250) {
        resume = encodeCursor(candidate.resume);
        break;
      }
    }
    expect(calls.pointReads).toBe(0);
    expect(calls.indexReads).toBe(2);
    for await (const candidate of candidates(repository, "t", union, decodeCursor(resume ?? "")))
      walked.push(candidate.stored.id);
    expect(walked).toEqual(Array.from({ length: 300 }, (_, index) => `s${index}`));
    // The resumed walk knew it was a scan: it read no index again.
    expect(calls.indexReads).toBe(2);
  });

  it("expires a walk begun on index reads once they name too many, rather than skip or repeat", async () => {
    const { repository } = fakeRepository(300, 3000);
    const resumed = candidates(repository, "t", range, decodeCursor(encodeCursor({ skip: 5 })));
    await expect(resumed[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      status: 400,
      scimType: "expiredCursor",
    });
  });
});
