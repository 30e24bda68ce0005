import { createHash, randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import type { AppServices } from "../../src/app/composition";
import { ScimError } from "../../src/scim/errors";
import { ConcurrentModificationError } from "../../src/service/repository";
import { groupKind, userKind } from "../../src/store/resourceKinds";
import { countRoundTrips, roundTripCountingPolicy } from "../../src/store/roundTrips";
import { TOMBSTONE_PROPERTY } from "../../src/store/rows";
import { TableMembershipStore } from "../../src/store/tableMembershipStore";
import { TableResourceStore, versionFromEtag } from "../../src/store/tableResourceStore";
import { createTestServices } from "../support/testServices";

const NOW = "2026-01-01T00:00:00.000Z";

describe("TableResourceStore against Azurite", () => {
  let services: AppServices;
  let store: TableResourceStore;
  const tenant = () => `store-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    services = await createTestServices();
    store = new TableResourceStore(services.tables.resources, userKind);
  });

  async function rowKeys(tenantId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const row of services.tables.resources.listEntities({
      queryOptions: { filter: `PartitionKey eq '${tenantId}'` },
    })) {
      // The tenant's counter rows (n|…: the generation a create or delete renews) are no resource's rows.
      if (!(row.rowKey ?? "").startsWith("n|")) keys.push(row.rowKey ?? "");
    }
    return keys.sort();
  }

  it("derives the SCIM version from the row's ETag as it always has (clients hold these in If-Match)", () => {
    const etag = `W/"datetime'2026-11-29T19%3A19%3A33.8498055Z'"`;
    const before = createHash("sha256").update(etag).digest("base64url").slice(0, 16);
    expect(versionFromEtag(etag)).toBe(`W/"${before}"`);
  });

  /** Group `g` in the tenant, and the membership store that adds to it. */
  async function groupAndMemberships(tenantId: string): Promise<TableMembershipStore> {
    const table = services.tables.resources;
    await new TableResourceStore(table, groupKind).create(tenantId, "g", { displayName: "G" }, NOW);
    return new TableMembershipStore(table);
  }

  it("creates the resource and its index rows in one round trip", async () => {
    const tenantId = tenant();
    const doc = {
      userName: "Al/ice#1?@X.com",
      externalId: "ext|1",
      emails: [
        { value: "A@x.com", type: "work" },
        { value: "a@X.com", type: "other" },
      ],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { manager: { value: "m1" } },
    };
    const { result, roundTrips } = await countRoundTrips(() => store.create(tenantId, "id-1", doc, NOW));
    expect(roundTrips).toBe(1);
    expect(result).toMatchObject({
      id: "id-1",
      created: NOW,
      version: expect.stringMatching(/^W\/"[\w-]{16}"$/),
    });
    expect(result.etag).not.toBe("");
    expect(await rowKeys(tenantId)).toEqual([
      "u|id-1",
      "x|u.email|a@x.com|id-1",
      "x|u.externalId|ext%7C1|id-1",
      "x|u.manager|m1|id-1",
      "x|u.userName|al%2Fice%231%3F@x.com",
    ]);
    expect((await store.get(tenantId, "id-1"))?.doc).toEqual(doc);
  });

  it("answers matching lookups with one point read (unique) or one prefix query", async () => {
    const tenantId = tenant();
    await store.create(tenantId, "a", { userName: "a@x.com", externalId: "same" }, NOW);
    await store.create(tenantId, "b", { userName: "b@x.com", externalId: "same" }, NOW);
    const unique = await countRoundTrips(() => store.findIds(tenantId, "userName", "a@x.com"));
    expect(unique).toEqual({ result: ["a"], roundTrips: 1 });
    const shared = await countRoundTrips(() => store.findIds(tenantId, "externalId", "same"));
    expect(shared.roundTrips).toBe(1);
    expect(shared.result.sort()).toEqual(["a", "b"]);
    expect(await store.findIds(tenantId, "userName", "missing@x.com")).toEqual([]);
  });

  it("stops an index range read after atMost ids, in one round trip of that many rows", async () => {
    const tenantId = tenant();
    for (let index = 0; index < 12; index += 1)
      await store.create(tenantId, `id${index}`, { userName: `u${index}@x.com`, externalId: "same" }, NOW);
    const ranged = await countRoundTrips(() => store.findIdsByComparison(tenantId, "userName", "gt", "", 5));
    expect(ranged).toEqual({ result: expect.any(Array), roundTrips: 1 });
    expect(ranged.result).toHaveLength(5);
    const prefixed = await countRoundTrips(() => store.findIdsByPrefix(tenantId, "userName", "u", 5));
    expect(prefixed.result).toHaveLength(5);
    expect(prefixed.roundTrips).toBe(1);
    const shared = await countRoundTrips(() => store.findIds(tenantId, "externalId", "same", 5));
    expect(shared.result).toHaveLength(5);
    expect(shared.roundTrips).toBe(1);
    expect(await store.findIdsByComparison(tenantId, "userName", "gt", "")).toHaveLength(12);
  });

  it("refuses a second userName that differs only in case with 409 uniqueness, leaving nothing behind", async () => {
    const tenantId = tenant();
    await store.create(tenantId, "first", { userName: "dup@x.com" }, NOW);
    const attempt = store.create(tenantId, "second", { userName: "DUP@x.com", externalId: "e" }, NOW);
    await expect(attempt).rejects.toMatchObject({ status: 409, scimType: "uniqueness" });
    expect(await rowKeys(tenantId)).toEqual(["u|first", "x|u.userName|dup@x.com"]);
  });

  it("removes a unique index row whose resource is gone instead of refusing its value forever", async () => {
    const tenantId = tenant();
    await store.create(tenantId, "gone", { userName: "orphan@x.com" }, NOW);
    // What a write racing a delete can leave: the index row without its resource.
    await services.tables.resources.deleteEntity(tenantId, "u|gone");
    const again = await store.create(tenantId, "new", { userName: "ORPHAN@x.com" }, NOW);
    expect(again.id).toBe("new");
    expect(await store.findIds(tenantId, "userName", "orphan@x.com")).toEqual(["new"]);
    await expect(store.create(tenantId, "third", { userName: "orphan@x.com" }, NOW)).rejects.toMatchObject({
      status: 409,
    });
  });

  it("moves index rows on update in one transaction guarded by the ETag", async () => {
    const tenantId = tenant();
    const created = await store.create(tenantId, "u1", { userName: "old@x.com", externalId: "e1" }, NOW);
    const { result: updated, roundTrips } = await countRoundTrips(() =>
      store.update(tenantId, created, { userName: "new@x.com", externalId: "e1" }, NOW),
    );
    expect(roundTrips).toBe(1);
    expect(updated.version).not.toBe(created.version);
    expect((await store.get(tenantId, "u1"))?.version).toBe(updated.version);
    expect(await rowKeys(tenantId)).toEqual(["u|u1", "x|u.externalId|e1|u1", "x|u.userName|new@x.com"]);
    await expect(store.update(tenantId, created, { userName: "stale@x.com" }, NOW)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(await rowKeys(tenantId)).toEqual(["u|u1", "x|u.externalId|e1|u1", "x|u.userName|new@x.com"]);
  });

  it("deletes the resource with all its index rows", async () => {
    const tenantId = tenant();
    const created = await store.create(
      tenantId,
      "gone",
      { userName: "gone@x.com", emails: [{ value: "g@x.com" }] },
      NOW,
    );
    const { result: mayHaveMemberships, roundTrips } = await countRoundTrips(() =>
      store.delete(tenantId, created),
    );
    // One transaction: the row deleted under its ETag, its index rows, the audit row.
    expect(roundTrips).toBe(1);
    expect(mayHaveMemberships).toBe(false);
    expect(await rowKeys(tenantId)).toEqual([]);
    expect(await store.get(tenantId, "gone")).toBeUndefined();
  });

  it("says a deleted resource may have memberships once an add has marked it, and for unmarked rows", async () => {
    const tenantId = tenant();
    const memberships = await groupAndMemberships(tenantId);
    await store.create(tenantId, "member", { userName: "member@x.com" }, NOW);
    await memberships.add(tenantId, "g", ["member"], NOW);
    const member = await store.get(tenantId, "member");
    if (!member) throw new Error("the member should exist");
    expect(member.mayHaveMemberships).toBe(true);
    expect(await store.delete(tenantId, member)).toBe(true);

    // A row an older version wrote has no mark at all.
    await store.create(tenantId, "legacy", { userName: "legacy@x.com" }, NOW);
    const table = services.tables.resources;
    const { etag: _etag, timestamp: _timestamp, ...row } = await table.getEntity(tenantId, "u|legacy");
    delete row.mayHaveMemberships;
    await table.updateEntity({ ...row, partitionKey: tenantId, rowKey: "u|legacy" }, "Replace");
    const unmarked = await store.get(tenantId, "legacy");
    if (!unmarked) throw new Error("the legacy row should exist");
    expect(unmarked.mayHaveMemberships).toBe(true);
    expect(await store.delete(tenantId, unmarked)).toBe(true);
  });

  it("refuses a delete read before a membership add, so the add's rows are not left behind", async () => {
    const tenantId = tenant();
    const memberships = await groupAndMemberships(tenantId);
    const read = await store.create(tenantId, "joined", { userName: "joined@x.com" }, NOW);
    expect(read.mayHaveMemberships).toBe(false);
    await memberships.add(tenantId, "g", ["joined"], NOW);
    await expect(store.delete(tenantId, read)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await rowKeys(tenantId)).toEqual([
      "g|g",
      "m|g|joined",
      "r|joined|g",
      "u|joined",
      "x|g.displayName|g",
      "x|u.userName|joined@x.com",
    ]);
  });

  describe("through a client without the guarded-delete policy (a tombstone, then its delete)", () => {
    let plain: TableClient;

    beforeAll(() => {
      plain = TableClient.fromConnectionString(
        process.env.STORAGE_CONNECTION_STRING ?? "",
        services.tables.resources.tableName,
        {
          allowInsecureConnection: true,
          additionalPolicies: [{ policy: roundTripCountingPolicy, position: "perRetry" }],
        },
      );
    });

    it("deletes the resource with all its index rows in 2 round trips", async () => {
      const tenantId = tenant();
      const created = await store.create(tenantId, "old", { userName: "old@x.com" }, NOW);
      const { result, roundTrips } = await countRoundTrips(() =>
        new TableResourceStore(plain, userKind).delete(tenantId, created),
      );
      expect(result).toBe(false);
      expect(roundTrips).toBe(2);
      expect(await rowKeys(tenantId)).toEqual([]);
    });

    it("says a deleted resource may have memberships when an add landed on its tombstone", async () => {
      const tenantId = tenant();
      const table = plain;
      const memberships = new TableMembershipStore(table);
      await new TableResourceStore(table, groupKind).create(tenantId, "g", { displayName: "G" }, NOW);
      const created = await store.create(tenantId, "late", { userName: "late@x.com" }, NOW);
      // A client whose tombstone transaction is followed, before the tombstone goes, by a member add:
      // the add's merge finds the tombstone (a row like any other) and succeeds.
      const racing = new Proxy(table, {
        get(target, property, receiver) {
          if (property !== "submitTransaction") return Reflect.get(target, property, receiver) as unknown;
          return async (...args: Parameters<TableClient["submitTransaction"]>) => {
            const response = await target.submitTransaction(...args);
            await memberships.add(tenantId, "g", ["late"], NOW);
            return response;
          };
        },
      });
      const deleted = await new TableResourceStore(racing, userKind).delete(tenantId, created);
      expect(deleted).toBe(true);
      expect(await rowKeys(tenantId)).toEqual(["g|g", "m|g|late", "r|late|g", "x|g.displayName|g"]);
    });
  });

  it("refuses a delete read before a write that added an index row, so the row is not left behind", async () => {
    const tenantId = tenant();
    const read = await store.create(tenantId, "raced", { userName: "raced@x.com" }, NOW);
    await store.update(tenantId, read, { userName: "raced@x.com", emails: [{ value: "late@x.com" }] }, NOW);
    const { result: refused, roundTrips } = await countRoundTrips(() =>
      store.delete(tenantId, read).catch((error: unknown) => error),
    );
    expect(refused).toBeInstanceOf(ConcurrentModificationError);
    expect(roundTrips).toBe(1);
    expect(await rowKeys(tenantId)).toEqual([
      "u|raced",
      "x|u.email|late@x.com|raced",
      "x|u.userName|raced@x.com",
    ]);
    const current = await store.get(tenantId, "raced");
    if (!current) throw new Error("the user should still exist");
    await store.delete(tenantId, current);
    expect(await rowKeys(tenantId)).toEqual([]);
  });

  it("treats a tombstone left by an interrupted delete as missing, and removes it on read", async () => {
    const tenantId = tenant();
    await store.create(tenantId, "kept", { userName: "kept@x.com" }, NOW);
    await services.tables.resources.createEntity({
      partitionKey: tenantId,
      rowKey: "u|ghost",
      [TOMBSTONE_PROPERTY]: true,
    });
    expect(await store.count(tenantId)).toBe(1);
    const scanned: string[] = [];
    for await (const page of store.scanPages(tenantId)) scanned.push(...page.items.map((item) => item.id));
    expect(scanned).toEqual(["kept"]);
    const { result, roundTrips } = await countRoundTrips(() => store.get(tenantId, "ghost"));
    expect(result).toBeUndefined();
    expect(roundTrips).toBe(2);
    expect(await rowKeys(tenantId)).toEqual(["u|kept", "x|u.userName|kept@x.com"]);
  });

  it("stores a document larger than one 64 KiB property across chunks and refuses one past the entity limit", async () => {
    const tenantId = tenant();
    const doc = { userName: "big@x.com", title: "é".repeat(100_000) };
    await store.create(tenantId, "big", doc, NOW);
    expect((await store.get(tenantId, "big"))?.doc).toEqual(doc);
    const tooBig = store.create(
      tenantId,
      "huge",
      { userName: "huge@x.com", title: "x".repeat(500_000) },
      NOW,
    );
    await expect(tooBig).rejects.toBeInstanceOf(ScimError);
    await expect(tooBig).rejects.toMatchObject({ status: 400, scimType: "invalidValue" });
  });

  it("counts and scans only the tenant's own resources, across pages", async () => {
    const tenantId = tenant();
    for (let index = 0; index < 205; index += 1) {
      await store.create(
        tenantId,
        `id${String(index).padStart(3, "0")}`,
        { userName: `u${index}@x.com` },
        NOW,
      );
    }
    await store.create(tenant(), "elsewhere", { userName: "e@x.com" }, NOW);
    expect(await store.count(tenantId)).toBe(205);
    const ids: string[] = [];
    const tokens: (string | undefined)[] = [];
    for await (const page of store.scanPages(tenantId)) {
      ids.push(...page.items.map((resource) => resource.id));
      tokens.push(page.token);
    }
    expect(ids).toHaveLength(205);
    expect(ids[0]).toBe("id000");
    expect(tokens[0]).toBeUndefined();
    const resumed: string[] = [];
    for await (const page of store.scanPages(tenantId, tokens[1]))
      resumed.push(...page.items.map((r) => r.id));
    expect(resumed).toEqual(ids.slice(200));
  });
});
