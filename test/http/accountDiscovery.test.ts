import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

/**
 * Entra's Account Discovery reads every account with startIndex paging. Each page must cost
 * storage reads in proportion to its own size: counted here from the request log (rows, not time).
 */

const USERS = 240;
const GROUPS = 90;

interface LogLine {
  correlationId: string;
  storageRowsRead?: number;
  storageKeysRead?: number;
}

describe("Account Discovery: startIndex walks resume where the previous page ended", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let other: TestTenant;
  const lines = new Map<string, LogLine>();

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, ...args) => {
      const text = args.map(String).join(" ");
      if (!text.includes('"scim.request"')) return;
      const line = JSON.parse(text) as LogLine;
      lines.set(line.correlationId, line);
    });
    tenant = await harness.createTenant("disc");
    other = await harness.createTenant("disc-other");
    const scim = scimClient(tenant);
    for (let i = 0; i < USERS; i += 1) {
      const created = await scim("POST", "/Users", {
        userName: `user${String(i).padStart(4, "0")}@contoso.com`,
        active: i % 2 === 0,
        emails: [{ value: `u${i}@contoso.com`, type: "work", primary: true }],
      });
      expect(created.status).toBe(201);
    }
    for (let i = 0; i < GROUPS; i += 1) await scim("POST", "/Groups", { displayName: `group ${i}` });
    for (let i = 0; i < 30; i += 1)
      await scimClient(other)("POST", "/Users", { userName: `o${i}@fabrikam.com` });
  }, 120_000);
  afterAll(() => harness.close());

  let requestNumber = 0;
  async function page(who: TestTenant, path: string) {
    const correlationId = `disc-${(requestNumber += 1)}`;
    const answer = await scimClient(who)("GET", path, undefined, { "X-Correlation-Id": correlationId });
    expect(answer.status).toBe(200);
    const line = lines.get(correlationId);
    return {
      body: answer.body as { totalResults: number; itemsPerPage: number; Resources: { id: string }[] },
      rows: line?.storageRowsRead ?? 0,
      keys: line?.storageKeysRead ?? 0,
    };
  }

  async function walk(resource: "Users" | "Groups", count: number, extra = "") {
    const ids: string[] = [];
    const rows: number[] = [];
    let keys = 0;
    let total = Number.POSITIVE_INFINITY;
    for (let startIndex = 1; startIndex <= total; startIndex += count) {
      const answer = await page(tenant, `/${resource}?startIndex=${startIndex}&count=${count}${extra}`);
      total = answer.body.totalResults;
      ids.push(...answer.body.Resources.map((resource) => resource.id));
      rows.push(answer.rows);
      keys += answer.keys;
    }
    return { ids, rows, keys, total };
  }

  it.each([
    ["every attribute", ""],
    ["attributes=userName", "&attributes=userName"],
    ["excludedAttributes=emails", "&excludedAttributes=emails"],
  ])("reads each user about once in a full walk (%s)", async (_name, extra) => {
    const { ids, rows, keys, total } = await walk("Users", 25, extra);
    expect(total).toBe(USERS);
    expect(new Set(ids).size).toBe(USERS);
    expect(ids).toHaveLength(USERS);
    const read = rows.reduce((sum, n) => sum + n, 0);
    expect(read).toBeLessThanOrEqual(1.1 * USERS);
    // The last page reads about its own size (and its bookmark), not the users before it.
    expect(rows.at(-1)).toBeLessThanOrEqual(25 + 2);
    // The total is counted at most once (the first walk; later ones find the kept count) and carried by the bookmarks.
    expect([0, USERS]).toContain(keys);
  });

  it("answers a later walk's first page from the kept count: two rows, no key, until a create or delete", async () => {
    await walk("Users", 25);
    const first = await page(tenant, "/Users?startIndex=1&count=25");
    expect(first.body.totalResults).toBe(USERS);
    expect([first.rows, first.keys]).toEqual([25 + 2, 0]);
    // A create (or a delete) makes the next first page count again, and the total is the new one.
    const created = await scimClient(tenant)("POST", "/Users", { userName: "counted@contoso.com" });
    const after = await page(tenant, "/Users?startIndex=1&count=25");
    expect([after.body.totalResults, after.keys]).toEqual([USERS + 1, USERS + 1]);
    await scimClient(tenant)("DELETE", `/Users/${created.body.id as string}`);
    const deleted = await page(tenant, "/Users?startIndex=1&count=25");
    expect([deleted.body.totalResults, deleted.keys]).toEqual([USERS, USERS]);
    const again = await page(tenant, "/Users?startIndex=1&count=25");
    expect([again.body.totalResults, again.rows, again.keys]).toEqual([USERS, 25 + 2, 0]);
  });

  it("works for any page size up to the maximum", async () => {
    for (const count of [37, 100, 1000]) {
      const { ids, rows } = await walk("Users", count);
      expect(new Set(ids).size).toBe(USERS);
      expect(rows.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1.1 * USERS);
    }
  });

  it("walks /Groups the same way", async () => {
    const { ids, rows, total } = await walk("Groups", 20, "&excludedAttributes=members");
    expect(total).toBe(GROUPS);
    expect(new Set(ids).size).toBe(GROUPS);
    expect(rows.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1.1 * GROUPS);
    expect(rows.at(-1)).toBeLessThanOrEqual(20 + 2);
  });

  it("falls back to reading from the start without a bookmark, with the same answer", async () => {
    const walked = await walk("Users", 50);
    const direct = await page(tenant, "/Users?startIndex=101&count=50");
    expect(direct.body.Resources.map((user) => user.id)).toEqual(walked.ids.slice(100, 150));
    expect(direct.rows).toBeGreaterThanOrEqual(150);
  });

  it("never uses a bookmark of another tenant or another query", async () => {
    // A walk in `other` leaves a bookmark for its startIndex 11; `tenant`'s page 11 must not use it.
    await page(other, "/Users?startIndex=1&count=10");
    const mine = await page(tenant, "/Users?startIndex=11&count=10");
    const reference = (await walk("Users", 10)).ids.slice(10, 20);
    expect(mine.body.Resources.map((user) => user.id)).toEqual(reference);
    // An unfiltered walk's bookmark is not a filtered query's: half the users are inactive.
    await page(tenant, "/Users?startIndex=1&count=20");
    const filtered = await page(tenant, "/Users?startIndex=21&count=20&filter=active+eq+true");
    const everyActive = await page(tenant, `/Users?startIndex=1&count=${USERS}&filter=active+eq+true`);
    expect(everyActive.body.totalResults).toBe(USERS / 2);
    expect(filtered.body.Resources.map((user) => user.id)).toEqual(
      everyActive.body.Resources.map((user) => user.id).slice(20, 40),
    );
    // The filtered walk itself resumes from its own bookmarks.
    const next = await page(tenant, "/Users?startIndex=41&count=20&filter=active+eq+true");
    expect(next.body.Resources.map((user) => user.id)).toEqual(
      everyActive.body.Resources.map((user) => user.id).slice(40, 60),
    );
    expect(next.rows).toBeLessThan(USERS / 2);
  });

  it("answers an empty page beyond the end, with or without a bookmark", async () => {
    const beyond = await page(tenant, `/Users?startIndex=${USERS + 1000}&count=10`);
    expect(beyond.body).toMatchObject({ totalResults: USERS, itemsPerPage: 0, Resources: [] });
    await page(tenant, `/Users?startIndex=${USERS - 9}&count=10`);
    const after = await page(tenant, `/Users?startIndex=${USERS + 1}&count=10`);
    expect(after.body).toMatchObject({ totalResults: USERS, itemsPerPage: 0, Resources: [] });
  });
});
