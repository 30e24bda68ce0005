import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { TableReplayGuard } from "../../src/store/tableReplayGuard";
import { manualClock } from "../tenants/tenantTables";

describe("assertion replay guard (tenants table)", () => {
  let client: TableClient;
  const clock = manualClock();

  beforeAll(async () => {
    client = TableClient.fromConnectionString(
      process.env.STORAGE_CONNECTION_STRING ?? "",
      `jti${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      { allowInsecureConnection: true },
    );
    await client.createTable();
  });

  it("accepts a jti once, even when two instances claim it at the same moment", async () => {
    const first = new TableReplayGuard(client, clock.now);
    const second = new TableReplayGuard(client, clock.now);
    const expires = new Date(clock.now() + 60_000);
    const jti = randomUUID();
    const claims = await Promise.all([
      first.claim("t1", "trust", jti, expires),
      second.claim("t1", "trust", jti, expires),
      first.claim("t1", "trust", jti, expires),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // The same jti under another trust or tenant is another assertion.
    expect(await first.claim("t1", "other-trust", jti, expires)).toBe(true);
    expect(await first.claim("t2", "trust", jti, expires)).toBe(true);
  });

  it("forgets a jti once its assertion has expired, and sweeps expired rows", async () => {
    const guard = new TableReplayGuard(client, clock.now);
    const jti = randomUUID();
    expect(await guard.claim("t3", "trust", jti, new Date(clock.now() + 1000))).toBe(true);
    expect(await guard.claim("t3", "trust", jti, new Date(clock.now() + 1000))).toBe(false);
    clock.advance(2000);
    expect(await guard.claim("t3", "trust", jti, new Date(clock.now() + 1000))).toBe(true);
    for (let i = 0; i < 3; i += 1)
      await guard.claim("t3", "trust", randomUUID(), new Date(clock.now() + 500));
    clock.advance(10_000);
    await guard.claim("t3", "trust", randomUUID(), new Date(clock.now() + 60_000));
    const rows = [];
    for await (const row of client.listEntities({ queryOptions: { filter: "PartitionKey eq 't3'" } }))
      rows.push(row);
    expect(rows).toHaveLength(1);
  });
});
