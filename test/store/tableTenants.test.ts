import { TenantAdmin } from "../../src/tenants/tenantAdmin";
import { withToken } from "../../src/tenants/credentials";
import { DAY, freshTenantTable, manualClock } from "../tenants/tenantTables";

describe("TableTenants as the local credential store", () => {
  it("rotates with a grace period and revokes, like the Key Vault store", async () => {
    const store = await freshTenantTable();
    const clock = manualClock();
    const admin = new TenantAdmin(store, store, clock.date);
    await admin.create("local_rotate");
    await admin.rotate("local_rotate", 3);
    const tokens = await admin.tokens("local_rotate");
    expect(tokens.map((t) => t.status)).toEqual(["expiring", "active"]);
    expect(tokens[0]!.expiresAt).toBe(new Date(clock.now() + 3 * DAY).toISOString());
    expect(await admin.revokeTokens("local_rotate")).toEqual([tokens[0]!.id]);
    expect((await admin.tokens("local_rotate")).map((t) => t.status)).toEqual(["expired", "active"]);
    await expect(admin.revokeTokens("local_rotate", "nope")).rejects.toThrow(/no token 'nope'/);
    expect(JSON.stringify(await store.read("local_rotate"))).not.toMatch(/scim_/);
  });

  it("does not lose a change when two writers update one tenant at once", async () => {
    const store = await freshTenantTable();
    await store.create("local-race", new Date());
    const now = new Date();
    const token = (tokenId: string) => ({ tokenId, hash: "00", created: now.toISOString() });
    await Promise.all(
      ["a", "b", "c", "d"].map((id) => store.update("local-race", (doc) => withToken(doc, token(id), now))),
    );
    expect((await store.read("local-race")).tokens.map((t) => t.tokenId).sort()).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
  });

  it("keeps the signing keys outside every tenant's partition", async () => {
    const store = await freshTenantTable();
    const admin = new TenantAdmin(store, store);
    await admin.create("local-keys");
    await admin.ensureSigningKey();
    await admin.ensureSigningKey();
    expect(await store.readSigningKeys()).toHaveLength(1);
    expect((await admin.list()).map((t) => t.tenantId)).toEqual(["local-keys"]);
  });
});
