import { RefreshingCache } from "../../src/lib/refreshingCache";

describe("RefreshingCache with evictable values", () => {
  it("keeps at most `max` evictable keys, dropping the oldest read, and never evicts the rest", async () => {
    let reads = 0;
    const cache = new RefreshingCache(
      (key: string) => {
        reads += 1;
        return Promise.resolve({ real: key.startsWith("real") });
      },
      { failureBackoffMs: 1_000, evictable: { max: 3, test: (value) => !value.real } },
    );
    await cache.get("real-1", 60_000);
    for (let i = 0; i < 10; i += 1) await cache.get(`fake-${String(i)}`, 60_000);
    await cache.get("real-2", 60_000);
    expect(cache.size).toBe(5);
    expect(cache.peek("real-1")).toEqual({ real: true });
    expect(cache.peek("fake-6")).toBeUndefined();
    expect(cache.peek("fake-9")).toEqual({ real: false });
    const before = reads;
    await cache.get("real-1", 60_000);
    expect(reads).toBe(before);
  });

  it("counts failed reads of unknown keys as evictable too", async () => {
    const cache = new RefreshingCache<{ real: boolean }>(() => Promise.reject(new Error("down")), {
      failureBackoffMs: 1_000,
      evictable: { max: 2, test: () => true },
    });
    for (let i = 0; i < 5; i += 1) await expect(cache.get(`k${String(i)}`, 60_000)).rejects.toThrow("down");
    expect(cache.size).toBe(2);
  });
});
