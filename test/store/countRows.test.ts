import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { inRequestScope, type RequestScope } from "../../src/lib/requestScope";
import { userKind } from "../../src/store/resourceKinds";
import { TableResourceStore } from "../../src/store/tableResourceStore";
import { createTestServices } from "../support/testServices";

const NOW = "2026-01-01T00:00:00.000Z";

/** The count and what it cost: keys of a full count, rows of point reads, round trips. */
async function measuredCount(store: TableResourceStore, tenantId: string) {
  const scope: RequestScope = { storageRoundTrips: 0 };
  const count = await inRequestScope(scope, () => store.count(tenantId));
  return { count, keys: scope.storageKeysRead ?? 0, rows: scope.storageRowsRead ?? 0 };
}

describe("the kept count behind totalResults", () => {
  let services: AppServices;
  let store: TableResourceStore;
  const tenant = () => `count-${randomUUID().slice(0, 8)}`;
  const create = (tenantId: string, id: string) =>
    store.create(tenantId, id, { userName: `${id}@x.com` }, NOW);

  beforeAll(async () => {
    services = await createTestServices();
    store = new TableResourceStore(services.tables.resources, userKind);
  });

  it("reads every key once, then two rows while nothing is created or deleted", async () => {
    const tenantId = tenant();
    for (let i = 0; i < 30; i += 1) await create(tenantId, `u${String(i)}`);
    expect(await measuredCount(store, tenantId)).toEqual({ count: 30, keys: 30, rows: 1 });
    expect(await measuredCount(store, tenantId)).toEqual({ count: 30, keys: 0, rows: 2 });
    // An update changes no count, so it keeps the kept one.
    const first = await store.get(tenantId, "u0");
    await store.update(tenantId, first!, { userName: "renamed@x.com" }, NOW);
    expect(await measuredCount(store, tenantId)).toEqual({ count: 30, keys: 0, rows: 2 });
  });

  it("matches after creates and deletes: each one makes the next count read the keys again", async () => {
    const tenantId = tenant();
    for (let i = 0; i < 5; i += 1) await create(tenantId, `u${String(i)}`);
    expect((await measuredCount(store, tenantId)).count).toBe(5);
    await create(tenantId, "late");
    expect(await measuredCount(store, tenantId)).toMatchObject({ count: 6, keys: 6 });
    expect(await measuredCount(store, tenantId)).toMatchObject({ count: 6, keys: 0 });
    await store.delete(tenantId, (await store.get(tenantId, "u1"))!);
    expect(await measuredCount(store, tenantId)).toMatchObject({ count: 5, keys: 5 });
    expect(await measuredCount(store, tenantId)).toMatchObject({ count: 5, keys: 0 });
  });

  it("never keeps a count that writers running beside it made stale", async () => {
    const tenantId = tenant();
    for (let i = 0; i < 40; i += 1) await create(tenantId, `seed${String(i)}`);
    const ids = Array.from({ length: 40 }, (_, i) => `w${String(i)}`);
    // Counts run while creates and deletes commit; whatever each answered, none may outlive them.
    const writers = Promise.all(
      ids.map(async (id, i) => {
        await create(tenantId, id);
        if (i % 2 === 0) await store.delete(tenantId, (await store.get(tenantId, `seed${String(i)}`))!);
      }),
    );
    const counts = Promise.all(Array.from({ length: 8 }, () => store.count(tenantId)));
    await Promise.all([writers, counts]);
    const expected = 40 + 40 - 20;
    expect(await measuredCount(store, tenantId)).toMatchObject({ count: expected });
    expect(await measuredCount(store, tenantId)).toEqual({ count: expected, keys: 0, rows: 2 });
  });

  it("keeps each tenant's count apart", async () => {
    const [a, b] = [tenant(), tenant()];
    await create(a, "one");
    await create(b, "one");
    await create(b, "two");
    expect([(await measuredCount(store, a)).count, (await measuredCount(store, b)).count]).toEqual([1, 2]);
    await create(a, "three");
    expect(await measuredCount(store, b)).toMatchObject({ count: 2, keys: 0 });
    expect(await measuredCount(store, a)).toMatchObject({ count: 2, keys: 2 });
  });
});
