import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { UnknownGroupError, UnknownMemberError, type Member } from "../../src/service/membershipRepository";
import { groupKind, userKind } from "../../src/store/resourceKinds";
import { countRoundTrips } from "../../src/store/roundTrips";
import { TableMembershipStore } from "../../src/store/tableMembershipStore";
import { TableResourceStore } from "../../src/store/tableResourceStore";
import { createTestServices } from "../support/testServices";

const NOW = "2026-01-01T00:00:00.000Z";

describe("TableMembershipStore against Azurite", () => {
  let services: AppServices;
  let memberships: TableMembershipStore;
  let users: TableResourceStore;
  let groups: TableResourceStore;
  let tenantId: string;

  beforeAll(async () => {
    services = await createTestServices();
    memberships = new TableMembershipStore(services.tables.resources);
    users = new TableResourceStore(services.tables.resources, userKind);
    groups = new TableResourceStore(services.tables.resources, groupKind);
  });

  beforeEach(async () => {
    tenantId = `m-${randomUUID().slice(0, 8)}`;
    await groups.create(tenantId, "g1", { displayName: "G1" }, NOW);
  });

  async function createUsers(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, index) => `u${String(index).padStart(4, "0")}`);
    for (const id of ids) await users.create(tenantId, id, { userName: `${id}@x.com` }, NOW);
    return ids;
  }

  async function membersOf(groupId: string): Promise<Member[]> {
    const all: Member[] = [];
    for await (const page of memberships.members(tenantId, groupId)) all.push(...page);
    return all;
  }

  it("adds one member in one round trip and removes it in two, in both directions", async () => {
    const [alice = ""] = await createUsers(1);
    expect((await countRoundTrips(() => memberships.add(tenantId, "g1", [alice], NOW))).roundTrips).toBe(1);
    expect(await membersOf("g1")).toEqual([{ id: alice, kind: "User" }]);
    expect(await memberships.groupsOf(tenantId, alice)).toEqual(["g1"]);
    expect((await countRoundTrips(() => memberships.remove(tenantId, "g1", [alice], NOW))).roundTrips).toBe(
      2,
    );
    expect(await membersOf("g1")).toEqual([]);
    expect(await memberships.groupsOf(tenantId, alice)).toEqual([]);
  });

  it("treats adding a present member and removing an absent one as no change", async () => {
    const ids = await createUsers(2);
    await memberships.add(tenantId, "g1", ids, NOW);
    await memberships.add(tenantId, "g1", ids, NOW);
    await memberships.remove(tenantId, "g1", ["nobody"], NOW);
    expect((await membersOf("g1")).map((member) => member.id)).toEqual(ids);
  });

  it("refuses an unknown member and changes nothing", async () => {
    const ids = await createUsers(3);
    await expect(memberships.add(tenantId, "g1", [...ids, "ghost"], NOW)).rejects.toEqual(
      new UnknownMemberError("ghost"),
    );
    expect(await membersOf("g1")).toEqual([]);
  });

  it("refuses changes to a group that does not exist", async () => {
    const ids = await createUsers(1);
    await expect(memberships.add(tenantId, "nope", ids, NOW)).rejects.toBeInstanceOf(UnknownGroupError);
    await expect(memberships.remove(tenantId, "nope", ids, NOW)).rejects.toBeInstanceOf(UnknownGroupError);
  });

  it("adds a nested group as a Group member", async () => {
    await groups.create(tenantId, "g2", { displayName: "G2" }, NOW);
    await memberships.add(tenantId, "g1", ["g2"], NOW);
    expect(await membersOf("g1")).toEqual([{ id: "g2", kind: "Group" }]);
  });

  it("spreads large changes over transactions of at most 100 rows", async () => {
    const ids = await createUsers(120);
    const { roundTrips } = await countRoundTrips(() => memberships.add(tenantId, "g1", ids, NOW));
    // 120 existence reads (several transactions cannot be atomic together) + 4 transactions of up to 32.
    expect(roundTrips).toBe(120 + 4);
    expect(await membersOf("g1")).toHaveLength(120);
    await memberships.remove(tenantId, "g1", ids.slice(0, 60), NOW);
    expect((await membersOf("g1")).map((member) => member.id)).toEqual(ids.slice(60));
  });

  it("removes every membership of a group, and every membership of a member", async () => {
    const ids = await createUsers(3);
    await groups.create(tenantId, "g2", { displayName: "G2" }, NOW);
    await memberships.add(tenantId, "g1", ids, NOW);
    await memberships.add(tenantId, "g2", ids, NOW);
    await memberships.removeFromAll(tenantId, ids[0] ?? "");
    expect((await membersOf("g2")).map((member) => member.id)).toEqual(ids.slice(1));
    await memberships.removeAllOf(tenantId, "g1");
    expect(await membersOf("g1")).toEqual([]);
    expect(await memberships.groupsOf(tenantId, ids[1] ?? "")).toEqual(["g2"]);
  });
});
