import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import type { DirectoryEvent } from "../../src/events/directoryEvent";
import type { TenantScope } from "../../src/service/resourceService";
import { countRoundTrips } from "../../src/store/roundTrips";
import { createTestServices } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function readAll(services: AppServices, tenantId: string, after = 0): Promise<DirectoryEvent[]> {
  const events: DirectoryEvent[] = [];
  let cursor = after;
  for (;;) {
    await services.eventLog.sequence(tenantId);
    const slice = await services.eventLog.read(tenantId, cursor, 7);
    events.push(...slice.events);
    cursor = slice.events.at(-1)?.sequence ?? cursor;
    if (!slice.hasMore) return events;
  }
}

describe("TableEventLog: events made from the outbox rows changes commit (Azurite)", () => {
  let services: AppServices;
  let scope: TenantScope;

  beforeAll(async () => {
    services = await createTestServices();
  });

  beforeEach(() => {
    scope = { tenantId: `ev-${randomUUID().slice(0, 8)}`, baseUrl: "https://scim.example/scim/v2/t" };
  });

  it("turns an Entra-shaped cycle into typed events, in order, with the resource and the changes", async () => {
    const user = await services.users.create(scope, { userName: "ann@x.com", displayName: "Ann" });
    const userId = String(user.resource.id);
    await services.users.patch(scope, userId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "displayName", value: "Ann B" }],
    });
    await services.users.patch(scope, userId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: "False" }],
    });
    await services.users.patch(scope, userId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: "True" }],
    });
    const group = await services.groups.create(scope, { displayName: "Staff" });
    const groupId = String(group.resource.id);
    await services.groups.patch(scope, groupId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: userId }] }],
    });
    // Numbered now: the member event carries the group as it is at that moment.
    await services.eventLog.sequence(scope.tenantId);
    await services.groups.patch(scope, groupId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "remove", path: `members[value eq "${userId}"]` }],
    });
    await services.groups.delete(scope, groupId);
    await services.users.delete(scope, userId);

    const events = await readAll(services, scope.tenantId);
    expect(events.map((event) => event.type)).toEqual([
      "user.created",
      "user.updated",
      "user.deactivated",
      "user.reactivated",
      "group.created",
      "group.member_added",
      "group.member_removed",
      "group.deleted",
      "user.deleted",
    ]);
    expect(events.map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(events.map((event) => event.id)).size).toBe(9);
    const [created, updated, deactivated] = events;
    expect(created).toMatchObject({
      tenantId: scope.tenantId,
      resourceId: userId,
      resource: { id: userId, object: "user", attributes: { userName: "ann@x.com", displayName: "Ann" } },
    });
    expect(updated?.changes).toEqual([{ attribute: "displayName", before: "Ann", after: "Ann B" }]);
    expect(updated?.resource?.attributes.displayName).toBe("Ann B");
    expect(deactivated?.resource?.attributes.active).toBe(false);
    expect(events[5]).toMatchObject({
      resourceId: groupId,
      members: [userId],
      resource: { id: groupId, object: "group", attributes: { displayName: "Staff" } },
    });
    // Numbered only after the group was deleted: no group to carry.
    expect(events[6]).toMatchObject({ members: [userId], resource: null });
    // A delete carries the last state.
    expect(events[8]?.resource?.attributes).toMatchObject({ userName: "ann@x.com", displayName: "Ann B" });
  });

  it("writes the outbox row in the change's own transaction: a create still costs one round trip", async () => {
    const create = await countRoundTrips(() => services.users.create(scope, { userName: "one@x.com" }));
    expect(create.roundTrips).toBe(1);
    expect((await readAll(services, scope.tenantId)).map((event) => event.type)).toEqual(["user.created"]);
  });

  it("never carries a password: it is not stored, so neither the resource nor the changes hold it", async () => {
    const user = await services.users.create(scope, { userName: "pw@x.com", password: "Sup3r-Secret!" });
    await services.users.patch(scope, String(user.resource.id), {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "password", value: "An0ther-Secret!" }],
    });
    const events = await readAll(services, scope.tenantId);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(events)).not.toMatch(/Secret!|password/);
  });

  it("makes no event of a change that failed or changed nothing", async () => {
    await services.users.create(scope, { userName: "dup@x.com" });
    await expect(services.users.create(scope, { userName: "DUP@x.com" })).rejects.toMatchObject({
      status: 409,
    });
    const id = String(
      (await services.users.query(scope, { filter: 'userName eq "dup@x.com"' })).Resources[0]?.id,
    );
    await services.users.patch(scope, id, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "userName", value: "dup@x.com" }],
    });
    expect((await readAll(services, scope.tenantId)).map((event) => event.type)).toEqual(["user.created"]);
  });

  it("numbers each change exactly once while sequencers race", async () => {
    for (let index = 0; index < 30; index += 1) {
      await services.users.create(scope, { userName: `u${index}@x.com` });
    }
    const raced = await Promise.all(
      Array.from({ length: 6 }, () => services.eventLog.sequence(scope.tenantId)),
    );
    const numbered = raced.flat();
    expect(numbered).toHaveLength(30);
    expect(new Set(numbered.map((event) => event.sequence)).size).toBe(30);
    expect((await services.eventLog.position(scope.tenantId)).last).toBe(30);
    expect(await readAll(services, scope.tenantId)).toHaveLength(30);
  });

  it("purges a prefix of expired events and records how far, so old cursors can be told", async () => {
    for (let index = 0; index < 5; index += 1) {
      await services.users.create(scope, { userName: `p${index}@x.com` });
    }
    await services.eventLog.sequence(scope.tenantId);
    const purged = await services.eventLog.purge(scope.tenantId, new Date(Date.now() + 60_000));
    expect(purged).toBe(5);
    expect(await services.eventLog.position(scope.tenantId)).toEqual({ last: 5, purgedThrough: 5 });
    expect((await services.eventLog.read(scope.tenantId, 0, 10)).events).toEqual([]);
    expect(await services.eventLog.purge(scope.tenantId, new Date(0))).toBe(0);
  });
});
