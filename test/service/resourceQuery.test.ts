import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { AppServices } from "../../src/app/composition";
import { matchesFilter } from "../../src/scim/filter/evaluate";
import { parseFilter } from "../../src/scim/filter/parser";
import { userResourceType } from "../../src/scim/schema/resourceType";
import type { TenantScope } from "../../src/service/resourceService";
import { countRoundTrips } from "../../src/store/roundTrips";
import { createTestServices } from "../support/testServices";

const NAMES = ["al", "Alice", "alfred", "bob", "Bobby", "carol", "dave", "Al-x", "b/c", "ünï"];
const TYPES = ["work", "home", "other"];

const userArbitrary = fc.record({
  userName: fc.constantFrom(...NAMES),
  externalId: fc.option(fc.constantFrom("e1", "E1", "e2", "x9"), { nil: undefined }),
  title: fc.option(fc.constantFrom("Boss", "boss", "Dev"), { nil: undefined }),
  active: fc.boolean(),
  emails: fc.array(
    fc.record({ type: fc.constantFrom(...TYPES), value: fc.constantFrom(...NAMES.map((n) => `${n}@x.com`)) }),
    {
      maxLength: 2,
    },
  ),
});

const value = fc.constantFrom(...NAMES, "a", "b", "AL", "e1", "E1", "Boss", "al@x.com", "BOB@x.com", "x");
const attribute = fc.constantFrom(
  "userName",
  "externalId",
  "title",
  "emails.value",
  "emails.type",
  "displayName",
);

const filterArbitrary: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .tuple(attribute, fc.constantFrom("eq", "ne", "sw", "co", "ew", "gt", "le"), value)
      .map(([a, op, v]) => `${a} ${op} "${v}"`),
    fc
      .tuple(fc.constantFrom(...TYPES), value)
      .map(([t, v]) => `emails[type eq "${t}"].value eq "${v}@x.com"`),
    fc.tuple(value).map(([v]) => `emails[value sw "${v}"]`),
    fc.constantFrom("title pr", "active eq true", "active eq false", "externalId pr"),
    fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => `(${l}) and (${r})`),
    fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => `(${l}) or (${r})`),
    tie("filter").map((f) => `not (${f})`),
  ),
})).filter;

describe("planned queries against Azurite", () => {
  let services: AppServices;
  let scope: TenantScope;
  let all: Record<string, unknown>[];

  beforeAll(async () => {
    services = await createTestServices();
    scope = { tenantId: `q-${randomUUID().slice(0, 8)}`, baseUrl: "https://x/scim/v2/q" };
    const population =
      fc.sample(fc.array(userArbitrary, { minLength: 25, maxLength: 25 }), { numRuns: 1, seed: 42 })[0] ?? [];
    for (const user of population) {
      // userName is unique: a duplicate of a generated name simply is not created.
      await services.users
        .create(scope, { ...user, userName: `${user.userName}${randomUUID().slice(0, 2)}` })
        .catch(() => undefined);
      await services.users.create(scope, user).catch(() => undefined);
    }
    all = [...(await services.users.query(scope, { count: 1000 })).Resources];
  });

  it("returns exactly what a plain in-memory evaluation of the same filter returns", async () => {
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const planned = await services.users.query(scope, { filter, count: 1000 });
        const expected = all
          .filter((user) => matchesFilter(parseFilter(filter), user, userResourceType))
          .map((u) => u.id);
        expect(planned.Resources.map((user) => user.id).sort()).toEqual([...expected].sort());
        expect(planned.totalResults).toBe(expected.length);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it("answers sw on userName with one index range read plus the users it names", async () => {
    const matching = all.filter((user) => String(user.userName).toLowerCase().startsWith("al"));
    const { result, roundTrips } = await countRoundTrips(() =>
      services.users.query(scope, { filter: 'userName sw "AL"' }),
    );
    expect(result.totalResults).toBe(matching.length);
    expect(roundTrips).toBe(1 + matching.length);
  });

  it("answers comparisons on indexed attributes from index rows alone, exactly", async () => {
    for (const filter of [
      'userName gt "BOB"',
      'userName le "b"',
      'externalId ge "e2"',
      'emails.value lt "c"',
    ]) {
      const expected = all.filter((user) => matchesFilter(parseFilter(filter), user, userResourceType));
      const { result, roundTrips } = await countRoundTrips(() =>
        services.users.query(scope, { filter, count: 1000 }),
      );
      expect({ filter, ids: result.Resources.map((user) => user.id).sort() }).toEqual({
        filter,
        ids: expected.map((user) => user.id).sort(),
      });
      // One read of the index rows, then the matching users: never a scan of the resources.
      expect(roundTrips).toBe(1 + expected.length);
    }
  });

  it("sorts by userName either way, missing values last, and pages the sorted list", async () => {
    const ascending = await services.users.query(scope, { sortBy: "userName", count: 1000 });
    const names = ascending.Resources.map((user) => String(user.userName).toLowerCase());
    expect(names).toEqual([...names].sort());
    const descending = await services.users.query(scope, {
      sortBy: "USERNAME",
      sortOrder: "descending",
      count: 3,
      startIndex: 2,
    });
    expect(descending.Resources.map((user) => String(user.userName).toLowerCase())).toEqual(
      [...names].reverse().slice(1, 4),
    );
    const byTitle = await services.users.query(scope, { sortBy: "title", count: 1000 });
    const titles = byTitle.Resources.map((user) => user.title);
    const firstMissing = titles.indexOf(undefined);
    if (firstMissing >= 0)
      expect(titles.slice(firstMissing).every((title) => title === undefined)).toBe(true);
    await expect(services.users.query(scope, { sortBy: "shoeSize" })).rejects.toMatchObject({
      scimType: "invalidValue",
    });
  });

  it("walks every user exactly once with RFC 9865 cursors, filtered and not", async () => {
    for (const filter of [undefined, "active eq true"]) {
      const seen: string[] = [];
      let cursor: string | undefined = "";
      let pages = 0;
      while (cursor !== undefined) {
        const page = await services.users.query(scope, { cursor, count: 4, ...(filter ? { filter } : {}) });
        seen.push(...page.Resources.map((user) => String(user.id)));
        expect(page.startIndex).toBeUndefined();
        if (!filter) expect(page.totalResults).toBe(all.length);
        cursor = page.nextCursor;
        pages += 1;
      }
      const expected = filter ? all.filter((user) => user.active === true) : all;
      expect(seen.sort()).toEqual(expected.map((user) => String(user.id)).sort());
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 4)));
    }
    await expect(services.users.query(scope, { cursor: "not-a-cursor" })).rejects.toMatchObject({
      scimType: "invalidCursor",
    });
  });
});
