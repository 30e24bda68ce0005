import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { encodeCursor } from "../../src/events/cursor";
import type { DirectoryEvent } from "../../src/events/directoryEvent";
import type { TenantScope } from "../../src/service/resourceService";
import { createTestServices } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

function newScope(): TenantScope {
  return { tenantId: `feed-${randomUUID().slice(0, 8)}`, baseUrl: "https://scim.example/scim/v2/t" };
}

describe("EventFeed: cursor walks in commit order (Azurite)", () => {
  let services: AppServices;

  beforeAll(async () => {
    services = await createTestServices();
  });

  async function walk(tenantId: string, from?: string): Promise<{ events: DirectoryEvent[]; next: string }> {
    const events: DirectoryEvent[] = [];
    let cursor = from;
    for (;;) {
      const page = await services.eventFeed.page(tenantId, cursor, 5);
      events.push(...page.data);
      cursor = page.next;
      if (!page.hasMore) return { events, next: cursor };
    }
  }

  it("race: concurrent writers while readers walk; every committed change appears exactly once, no gap", async () => {
    const scope = newScope();
    const WRITERS = 8;
    const CHANGES_PER_WRITER = 6;
    const state = { writing: true };
    const committed: string[] = [];

    async function writer(index: number): Promise<void> {
      const created = await services.users.create(scope, { userName: `w${index}@x.com` });
      const id = String(created.resource.id);
      committed.push(`user.created ${id}`);
      for (let step = 1; step < CHANGES_PER_WRITER; step += 1) {
        await services.users.patch(scope, id, {
          schemas: [PATCH_OP],
          Operations: [{ op: "replace", path: "displayName", value: `step ${step}` }],
        });
        committed.push(`user.updated ${id}`);
      }
    }

    // A follower keeps its cursor and reads on; passes never hand it an event twice or skip one.
    async function follower(): Promise<DirectoryEvent[]> {
      const seen: DirectoryEvent[] = [];
      let cursor: string | undefined;
      for (;;) {
        const done = !state.writing;
        const page = await services.eventFeed.page(scope.tenantId, cursor, 4);
        seen.push(...page.data);
        cursor = page.next;
        if (done && !page.hasMore) return seen;
      }
    }

    const followers = [follower(), follower(), follower()];
    const completeWalks: number[] = [];
    const walker = (async () => {
      while (state.writing) completeWalks.push((await walk(scope.tenantId)).events.length);
    })();
    await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
    state.writing = false;
    const [first, ...others] = await Promise.all(followers);
    await walker;

    const final = (await walk(scope.tenantId)).events;
    const expected = [...committed].sort();
    expect(final).toHaveLength(WRITERS * CHANGES_PER_WRITER);
    expect(final.map((event) => `${event.type} ${event.resourceId}`).sort()).toEqual(expected);
    expect(final.map((event) => event.sequence)).toEqual(final.map((_, index) => index + 1));
    for (const seen of [first ?? [], ...others]) {
      // Exactly the final walk, in the same order: nothing appeared behind a cursor already passed.
      expect(seen.map((event) => event.id)).toEqual(final.map((event) => event.id));
    }
    // Complete walks taken while writing only ever grew.
    expect(completeWalks).toEqual([...completeWalks].sort((a, b) => a - b));
    // Per resource, the feed keeps the order the changes were made in.
    const lastName = new Map(
      final.map((event) => [event.resourceId, event.resource?.attributes.displayName]),
    );
    expect([...lastName.values()].every((name) => name === `step ${CHANGES_PER_WRITER - 1}`)).toBe(true);
  });

  it("resumes from a cursor, and answers an empty page with the same cursor when nothing is new", async () => {
    const scope = newScope();
    await services.users.create(scope, { userName: "a@x.com" });
    const first = await walk(scope.tenantId);
    expect(first.events).toHaveLength(1);
    const idle = await services.eventFeed.page(scope.tenantId, first.next, 10);
    expect(idle).toEqual({ data: [], next: first.next, hasMore: false });
    await services.users.create(scope, { userName: "b@x.com" });
    const resumed = await walk(scope.tenantId, first.next);
    expect(resumed.events.map((event) => event.resource?.attributes.userName)).toEqual(["b@x.com"]);
  });

  it("refuses a tampered cursor, another tenant's cursor and one ahead of the feed with 400", async () => {
    const scope = newScope();
    const other = newScope();
    await services.users.create(scope, { userName: "a@x.com" });
    await services.users.create(other, { userName: "b@x.com" });
    const mine = (await walk(scope.tenantId)).next;
    const theirs = (await walk(other.tenantId)).next;
    const tampered = mine.replace(/^ev1_1_/, "ev1_0_");
    for (const cursor of [theirs, tampered, "nonsense", encodeCursor(scope.tenantId, 99)]) {
      await expect(services.eventFeed.page(scope.tenantId, cursor, 10)).rejects.toMatchObject({
        status: 400,
        code: "invalid_cursor",
      });
    }
  });

  it("answers 410 for a cursor older than the retained events, telling the consumer to re-read", async () => {
    const scope = newScope();
    await services.users.create(scope, { userName: "a@x.com" });
    const start = await services.eventFeed.page(scope.tenantId, undefined, 0 + 1);
    const beforeAll = encodeCursor(scope.tenantId, 0);
    await services.users.create(scope, { userName: "b@x.com" });
    await services.eventLog.sequence(scope.tenantId);
    await services.eventLog.purge(scope.tenantId, new Date(Date.now() + 60_000));
    await expect(services.eventFeed.page(scope.tenantId, beforeAll, 10)).rejects.toMatchObject({
      status: 410,
      code: "cursor_expired",
    });
    await expect(services.eventFeed.page(scope.tenantId, start.next, 10)).rejects.toMatchObject({
      status: 410,
    });
    // A consumer that re-read the directory continues from the latest cursor.
    const latest = await services.eventFeed.latest(scope.tenantId);
    expect(await services.eventFeed.page(scope.tenantId, latest, 10)).toMatchObject({
      data: [],
      hasMore: false,
    });
  });
});
