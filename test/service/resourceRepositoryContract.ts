import { randomUUID } from "node:crypto";
import type { ResourceDoc } from "../../src/scim/resource/types";
import { ConcurrentModificationError, type ResourceRepository } from "../../src/service/repository";

const NOW = "2030-01-01T00:00:00.000Z";
const LATER = "2030-01-02T00:00:00.000Z";

function user(userName: string, extra: ResourceDoc = {}): ResourceDoc {
  return { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName, ...extra };
}

/**
 * What the services rely on from a users' ResourceRepository, whatever stores it: run against the
 * Table store on Azurite (test/store) and the in-memory one (test/service), so service tests can
 * use the fast one while storage truth stays tested on the real one.
 */
export function describeUserRepositoryContract(name: string, open: () => Promise<ResourceRepository>): void {
  describe(`${name}: the user repository contract`, () => {
    let repository: ResourceRepository;
    let tenantId: string;

    beforeAll(async () => {
      repository = await open();
    });

    beforeEach(() => {
      tenantId = `c-${randomUUID().slice(0, 8)}`;
    });

    it("stores a created user and reads it back by id, in its tenant only", async () => {
      const created = await repository.create(tenantId, "u1", user("Ada@x.com"), NOW);
      expect(created).toMatchObject({ id: "u1", created: NOW, lastModified: NOW });
      expect(created.version).not.toBe("");
      expect(await repository.get(tenantId, "u1")).toEqual(created);
      expect(await repository.get(tenantId, "u2")).toBeUndefined();
      expect(await repository.get(`${tenantId}-other`, "u1")).toBeUndefined();
      expect(await repository.count(tenantId)).toBe(1);
    });

    it("refuses a second userName in another letter case, or a second id, with 409 uniqueness", async () => {
      await repository.create(tenantId, "u1", user("ada@x.com"), NOW);
      const uniqueness = expect.objectContaining({ status: 409, scimType: "uniqueness" });
      await expect(repository.create(tenantId, "u2", user("ADA@x.com"), NOW)).rejects.toEqual(uniqueness);
      await expect(repository.create(tenantId, "u1", user("bob@x.com"), NOW)).rejects.toEqual(uniqueness);
      expect(await repository.count(tenantId)).toBe(1);
      expect(await repository.findIds(tenantId, "userName", "bob@x.com")).toEqual([]);
    });

    it("finds ids by index value, prefix and comparison, in value order", async () => {
      await repository.create(tenantId, "u2", user("b@x.com", { externalId: "E" }), NOW);
      await repository.create(tenantId, "u1", user("a@x.com", { externalId: "E" }), NOW);
      await repository.create(tenantId, "u3", user("c@y.com", { externalId: "F" }), NOW);
      expect(await repository.findIds(tenantId, "userName", "a@x.com")).toEqual(["u1"]);
      expect(await repository.findIds(tenantId, "externalId", "E")).toEqual(["u1", "u2"]);
      expect(await repository.findIdsByPrefix(tenantId, "userName", "b")).toEqual(["u2"]);
      expect(await repository.findIdsByPrefix(tenantId, "email", "")).toEqual([]);
      expect(await repository.findIdsByComparison(tenantId, "userName", "gt", "a@x.com")).toEqual([
        "u2",
        "u3",
      ]);
      expect(await repository.findIdsByComparison(tenantId, "userName", "le", "b@x.com")).toEqual([
        "u1",
        "u2",
      ]);
    });

    it("updates the document and its index entries, and refuses a stale or conflicting update", async () => {
      const created = await repository.create(tenantId, "u1", user("old@x.com"), NOW);
      await repository.create(tenantId, "u2", user("taken@x.com"), NOW);
      const updated = await repository.update(tenantId, created, user("new@x.com"), LATER);
      expect(updated).toMatchObject({ id: "u1", created: NOW, lastModified: LATER, doc: user("new@x.com") });
      expect(updated.version).not.toBe(created.version);
      expect(await repository.findIds(tenantId, "userName", "old@x.com")).toEqual([]);
      expect(await repository.findIds(tenantId, "userName", "new@x.com")).toEqual(["u1"]);

      await expect(repository.update(tenantId, created, user("stale@x.com"), LATER)).rejects.toBeInstanceOf(
        ConcurrentModificationError,
      );
      await expect(repository.update(tenantId, updated, user("taken@x.com"), LATER)).rejects.toEqual(
        expect.objectContaining({ status: 409, scimType: "uniqueness" }),
      );
      expect(await repository.get(tenantId, "u1")).toEqual(updated);
    });

    it("deletes a user with its index entries, and refuses a stale delete", async () => {
      const created = await repository.create(tenantId, "u1", user("gone@x.com"), NOW);
      const updated = await repository.update(
        tenantId,
        created,
        user("gone@x.com", { nickName: "G" }),
        LATER,
      );
      await expect(repository.delete(tenantId, created)).rejects.toBeInstanceOf(ConcurrentModificationError);
      await repository.delete(tenantId, updated);
      expect(await repository.get(tenantId, "u1")).toBeUndefined();
      expect(await repository.findIds(tenantId, "userName", "gone@x.com")).toEqual([]);
      expect(await repository.count(tenantId)).toBe(0);
      // The userName is free again.
      await repository.create(tenantId, "u9", user("gone@x.com"), LATER);
    });

    it("scans every user once in id order, a bounded page at a time, resuming at a page's token", async () => {
      const ids = Array.from({ length: 230 }, (_, n) => `u${String(n).padStart(3, "0")}`);
      for (const id of ids) await repository.create(tenantId, id, user(`${id}@x.com`), NOW);
      const pages = [];
      for await (const page of repository.scanPages(tenantId)) pages.push(page);
      expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(ids);
      expect(pages.every((page) => page.items.length <= 1000)).toBe(true);
      expect(pages[0]?.token).toBeUndefined();
      const last = pages.at(-1);
      if (pages.length > 1 && last) {
        const resumed = [];
        for await (const page of repository.scanPages(tenantId, last.token)) resumed.push(...page.items);
        expect(resumed.map((item) => item.id)).toEqual(last.items.map((item) => item.id));
      }
      expect(await repository.count(tenantId)).toBe(ids.length);
    });
  });
}
