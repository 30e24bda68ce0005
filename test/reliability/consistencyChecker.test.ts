import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { checkAllTenants, checkTenant } from "../../tools/consistency/checker";
import { scimClient, startTestHost, type TestHost } from "../support/testServices";
import { directResources } from "./support/harness";

/** The checker itself: clean on a real tenant, and it names each kind of damage planted by hand. */
describe("consistency checker", () => {
  let harness: TestHost;
  let table: TableClient;

  beforeAll(async () => {
    harness = await startTestHost();
    table = directResources(harness.services);
  });

  afterAll(() => harness.close());

  it("finds nothing in a tenant the connector wrote, and each planted fault once", async () => {
    const tenant = await harness.createTenant("chk");
    const scim = scimClient(tenant);
    const user = (
      await scim("POST", "/Users", { userName: "a@x.com", externalId: "ext", emails: [{ value: "a@x.com" }] })
    ).body.id as string;
    const other = (await scim("POST", "/Users", { userName: "b@x.com" })).body.id as string;
    const group = (
      await scim("POST", "/Groups", { displayName: "G", members: [{ value: user }, { value: other }] })
    ).body.id as string;
    // A listing keeps the count behind totalResults, under the tenant's current generation.
    expect((await scim("GET", "/Users?count=1")).body.totalResults).toBe(2);
    const clean = await checkTenant(table, tenant.tenantId);
    expect(clean).toMatchObject({ users: 2, groups: 1, memberships: 2, findings: [] });

    const pk = tenant.tenantId;
    const ghost = randomUUID();
    await table.createEntity({ partitionKey: pk, rowKey: `x|u.email|ghost@x.com|${ghost}`, id: ghost }); // orphan
    await table.createEntity({ partitionKey: pk, rowKey: `x|u.externalId|old|${user}`, id: user }); // stale
    await table.deleteEntity(pk, `x|u.userName|b@x.com`); // missing
    await table.deleteEntity(pk, `r|${other}|${group}`); // forward without reverse
    await table.createEntity({ partitionKey: pk, rowKey: `r|${user}|${ghost}`, groupId: ghost }); // reverse without forward, no group
    await table.createEntity({ partitionKey: pk, rowKey: `m|${group}|${ghost}`, value: ghost, type: "User" }); // no member
    await table.createEntity({ partitionKey: pk, rowKey: `r|${ghost}|${group}`, groupId: group });
    // A member marked as never in a membership: its DELETE would skip the sweep.
    await table.updateEntity({ partitionKey: pk, rowKey: `u|${user}`, mayHaveMemberships: false }, "Merge");
    // A current kept count that no longer matches the users: listings would report 5.
    await table.updateEntity({ partitionKey: pk, rowKey: "n|count|User", count: 5 }, "Merge");

    const report = await checkTenant(table, pk);
    expect(report.findings.map((finding) => `${finding.kind} ${finding.rowKey}`).sort()).toEqual(
      [
        `orphanIndex x|u.email|ghost@x.com|${ghost}`,
        `staleIndex x|u.externalId|old|${user}`,
        `missingIndex x|u.userName|b@x.com`,
        `missingReverse m|${group}|${other}`,
        `missingForward r|${user}|${ghost}`,
        `membershipWithoutGroup r|${user}|${ghost}`,
        `membershipWithoutMember m|${group}|${ghost}`,
        `unflaggedMembership u|${user}`,
        "wrongKeptCount n|count|User",
      ].sort(),
    );
    const all = await checkAllTenants(table);
    expect(all.find((entry) => entry.tenantId === pk)?.findings).toHaveLength(9);
  });
});
