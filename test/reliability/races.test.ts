import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { directResources, expectConsistent, patch, type Scim } from "./support/harness";

function filterOn(attribute: string, value: string): string {
  return `?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`;
}

/** Entra retries a 503 (write contention, Retry-After) later; the tests do so at once. */
async function untilNot503(send: () => ReturnType<Scim>): ReturnType<Scim> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await send();
    if (response.status !== 503 || attempt >= 20) return response;
    expect(response.headers.get("retry-after")).not.toBeNull();
  }
}

function statuses(responses: readonly { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Racing requests over HTTP, with the consistency checker after every scenario. */
describe("concurrent requests on one tenant", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: Scim;
  let direct: TableClient;

  beforeAll(async () => {
    harness = await startTestHost();
    direct = directResources(harness.services);
  });

  beforeEach(async () => {
    tenant = await harness.createTenant("race");
    scim = scimClient(tenant);
  });

  afterEach(async () => {
    await expectConsistent(direct, tenant.tenantId);
  });

  afterAll(() => harness.close());

  async function createUser(userName: string, extra: object = {}): Promise<string> {
    const created = await scim("POST", "/Users", { userName, ...extra });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it("gives exactly one 201 and 409 uniqueness to the rest of 50 creates of one userName", async () => {
    const userName = `same.${randomUUID().slice(0, 6)}@x.com`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        untilNot503(() =>
          scim("POST", "/Users", {
            userName: index % 2 ? userName : userName.toUpperCase(),
            externalId: `e${index}`,
          }),
        ),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 1, 409: 49 });
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.scimType === "uniqueness")).toBe(
      true,
    );
    const match = await scim("GET", `/Users${filterOn("userName", userName)}`);
    expect(match.body.totalResults).toBe(1);
    expect((await scim("GET", "/Users")).body.totalResults).toBe(1);
  });

  it("loses no update when 20 PATCHes of one user race (retrying on contention)", async () => {
    const id = await createUser(`patched.${randomUUID().slice(0, 6)}@x.com`);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        untilNot503(() =>
          scim(
            "PATCH",
            `/Users/${id}`,
            index % 2
              ? patch({
                  op: "add",
                  path: "phoneNumbers",
                  value: [{ value: `+1 555 01${index}`, type: "other" }],
                })
              : patch({ op: "add", path: "emails", value: [{ value: `mail${index}@x.com`, type: "other" }] }),
          ),
        ),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 20 });
    const user = (await scim("GET", `/Users/${id}`)).body;
    expect(user.phoneNumbers.map((p: any) => p.value).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `+1 555 01${2 * i + 1}`).sort(),
    );
    expect(user.emails.map((e: any) => e.value).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `mail${2 * i}@x.com`).sort(),
    );
    // Every email is findable through its index row.
    for (const email of user.emails) {
      const found = await scim("GET", `/Users${filterOn('emails[type eq "other"].value', email.value)}`);
      expect(found.body.Resources.map((r: any) => r.id)).toEqual([id]);
    }
  });

  it("lets one of 10 PATCHes carrying the same If-Match win and answers 412 to the rest", async () => {
    const id = await createUser(`ifmatch.${randomUUID().slice(0, 6)}@x.com`);
    const version = (await scim("GET", `/Users/${id}`)).headers.get("etag")!;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        scim("PATCH", `/Users/${id}`, patch({ op: "replace", path: "displayName", value: `Name ${index}` }), {
          "If-Match": version,
        }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 412: 9 });
    const winner = responses.find((r) => r.status === 200)!;
    expect((await scim("GET", `/Users/${id}`)).body.displayName).toBe(winner.body.displayName);
  });

  it("ends concurrent member adds and removes on one group with the right members", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 16; index += 1)
      ids.push(await createUser(`m${index}.${randomUUID().slice(0, 4)}@x.com`));
    const initial = ids.slice(0, 8);
    const added = ids.slice(8);
    const removed = initial.filter((_, index) => index % 2 === 0);
    const group = await scim("POST", "/Groups", {
      displayName: `Racing ${randomUUID().slice(0, 6)}`,
      members: initial.map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
    const path = `/Groups/${group.body.id}`;
    const responses = await Promise.all([
      ...added.map((value) =>
        untilNot503(() => scim("PATCH", path, patch({ op: "add", path: "members", value: [{ value }] }))),
      ),
      ...removed.map((value) =>
        untilNot503(() => scim("PATCH", path, patch({ op: "remove", path: "members", value: [{ value }] }))),
      ),
      ...removed.map((value) =>
        untilNot503(() => scim("PATCH", path, patch({ op: "remove", path: `members[value eq "${value}"]` }))),
      ),
      // Attribute changes of the same group race the member changes.
      ...[1, 2, 3].map((n) =>
        untilNot503(() => scim("PATCH", path, patch({ op: "replace", path: "externalId", value: `x${n}` }))),
      ),
    ]);
    expect(responses.map((r) => r.status).filter((s) => s !== 204 && s !== 200)).toEqual([]);
    const members = (await scim("GET", path)).body.members.map((m: any) => m.value).sort();
    expect(members).toEqual([...initial.filter((id) => !removed.includes(id)), ...added].sort());
    for (const id of ids) {
      const groups = (await scim("GET", `/Users/${id}?attributes=groups`)).body.groups ?? [];
      expect(groups.length).toBe(members.includes(id) ? 1 : 0);
    }
  });

  it("keeps index rows consistent when a rename races a create of the old name", async () => {
    const pairs = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const old = `old${index}.${randomUUID().slice(0, 6)}@x.com`;
        const renamed = `new${index}.${randomUUID().slice(0, 6)}@x.com`;
        const id = await createUser(old);
        const [rename, create] = await Promise.all([
          untilNot503(() =>
            scim("PATCH", `/Users/${id}`, patch({ op: "replace", path: "userName", value: renamed })),
          ),
          untilNot503(() => scim("POST", "/Users", { userName: old })),
        ]);
        return { id, old, renamed, rename, create };
      }),
    );
    for (const { id, old, renamed, rename, create } of pairs) {
      expect(rename.status).toBe(200);
      expect([201, 409]).toContain(create.status);
      const byNew = await scim("GET", `/Users${filterOn("userName", renamed)}`);
      expect(byNew.body.Resources.map((r: any) => r.id)).toEqual([id]);
      const byOld = await scim("GET", `/Users${filterOn("userName", old)}`);
      expect(byOld.body.Resources.map((r: any) => r.id)).toEqual(
        create.status === 201 ? [create.body.id] : [],
      );
    }
  });

  // The SDK sends transaction deletes without If-Match; the delete's ETag-guarded tombstone is what
  // makes an email added between the DELETE's read and its transaction fail the delete, not linger.
  it("leaves no index row behind when a PATCH adding an email races a DELETE", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1)
      ids.push(await createUser(`pd${index}.${randomUUID().slice(0, 6)}@x.com`));
    const outcomes = await Promise.all(
      ids.map((id, index) =>
        Promise.all([
          untilNot503(() =>
            scim(
              "PATCH",
              `/Users/${id}`,
              patch({ op: "add", path: "emails", value: [{ value: `late${index}@x.com`, type: "work" }] }),
            ),
          ),
          untilNot503(() => scim("DELETE", `/Users/${id}`)),
        ]),
      ),
    );
    for (const [patched, deleted] of outcomes) {
      expect([200, 404]).toContain(patched.status);
      expect(deleted.status).toBe(204);
    }
    expect((await scim("GET", "/Users")).body.totalResults).toBe(0);
  });

  it("leaves no membership of a deleted user when a member add races the user's deletion", async () => {
    const group = await scim("POST", "/Groups", { displayName: `Deleting ${randomUUID().slice(0, 6)}` });
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1)
      ids.push(await createUser(`dm${index}.${randomUUID().slice(0, 6)}@x.com`));
    const outcomes = await Promise.all(
      ids.map((value) =>
        Promise.all([
          untilNot503(() =>
            scim(
              "PATCH",
              `/Groups/${group.body.id}`,
              patch({ op: "add", path: "members", value: [{ value }] }),
            ),
          ),
          untilNot503(() => scim("DELETE", `/Users/${value}`)),
        ]),
      ),
    );
    for (const [added, deleted] of outcomes) {
      expect([204, 400]).toContain(added.status);
      expect(deleted.status).toBe(204);
    }
    expect((await scim("GET", `/Groups/${group.body.id}`)).body.members).toEqual([]);
  });

  it("leaves no membership of a deleted group when member adds race the group's deletion", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 8; index += 1)
      ids.push(await createUser(`gd${index}.${randomUUID().slice(0, 6)}@x.com`));
    const groups = await Promise.all(
      [0, 1, 2, 3].map(
        async (n) => (await scim("POST", "/Groups", { displayName: `Doomed ${n} ${randomUUID()}` })).body.id,
      ),
    );
    const outcomes = await Promise.all(
      groups.flatMap((groupId: string) => [
        ...ids.map((value) =>
          untilNot503(() =>
            scim("PATCH", `/Groups/${groupId}`, patch({ op: "add", path: "members", value: [{ value }] })),
          ),
        ),
        untilNot503(() => scim("DELETE", `/Groups/${groupId}`)),
      ]),
    );
    expect(outcomes.filter((r) => ![204, 404].includes(r.status))).toEqual([]);
    for (const id of ids)
      expect((await scim("GET", `/Users/${id}?attributes=groups`)).body.groups).toBeUndefined();
  });

  it("removes a deleted group from the groups it was a member of", async () => {
    const parent = (await scim("POST", "/Groups", { displayName: `Parent ${randomUUID()}` })).body.id;
    const child = (await scim("POST", "/Groups", { displayName: `Child ${randomUUID()}` })).body.id;
    const added = await scim(
      "PATCH",
      `/Groups/${parent}`,
      patch({ op: "add", path: "members", value: [{ value: child }] }),
    );
    expect(added.status).toBe(204);
    expect((await scim("GET", `/Groups/${parent}`)).body.members.map((m: any) => m.value)).toEqual([child]);
    expect((await scim("DELETE", `/Groups/${child}`)).status).toBe(204);
    expect((await scim("GET", `/Groups/${parent}`)).body.members).toEqual([]);
  });
});
