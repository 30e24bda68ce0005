import { AccessTokens } from "../../src/tenants/accessTokens";
import { Authenticator } from "../../src/tenants/authenticator";
import { KeyVaultCredentialStore } from "../../src/tenants/keyVaultCredentialStore";
import { SIGNING_KEYS_SECRET, tenantSecretName } from "../../src/tenants/secretNames";
import { SigningKeys } from "../../src/tenants/signingKeys";
import { TenantAdmin } from "../../src/tenants/tenantAdmin";
import { AppKeyAdmin } from "../../src/tenants/appKeys";
import type { AuditLog } from "../../src/service/auditLog";
import { hashToken } from "../../src/tenants/tokens";
import { StorageUnavailableError } from "../../src/service/storageUnavailable";
import { useFakeKeyVault, type FakeKeyVault } from "../support/keyVaultServer";
import { DAY, SECOND, freshTenantTable, manualClock } from "./tenantTables";

const TTL = 60 * SECOND;
const MISS = 5 * SECOND;

const fakeVault = useFakeKeyVault();
let vault: FakeKeyVault;
beforeEach(() => {
  vault = fakeVault();
});

/** The app's view (Authenticator) and the operator's (TenantAdmin), both on the real SecretClient. */
async function setup(tenantId: string) {
  const clock = manualClock();
  const registry = await freshTenantTable();
  const store = new KeyVaultCredentialStore(vault.client(), { timeoutMs: 5_000 });
  const cache = { cacheTtlMs: TTL, missRefreshMs: MISS, clock: clock.now };
  const keys = new SigningKeys(store, cache);
  const auth = new Authenticator(
    registry,
    store,
    new AccessTokens(keys, { lifetimeSeconds: 3600, clock: clock.now }),
    cache,
  );
  const admin = new TenantAdmin(registry, store, clock.date);
  const token = await admin.create(tenantId);
  const secret = tenantSecretName(tenantId);
  const adminReads = vault.reads(secret);
  /** Reads made by the app (the Authenticator) since setup. */
  const reads = () => vault.reads(secret) - adminReads;
  return { clock, auth, admin, token, secret, reads, keys };
}

describe("KeyVaultCredentialStore on the real SecretClient", () => {
  it("keeps one secret per tenant holding hashes, never the token", async () => {
    const { token, secret } = await setup("Kv_Hashes");
    const [value] = vault.versions(secret);
    expect(secret).toMatch(/^scim-tenantx-/);
    expect(value).toContain(hashToken(token));
    expect(value).not.toContain(token);
    expect(JSON.parse(value!)).toMatchObject({
      version: 1,
      tokens: [{ hash: hashToken(token) }],
      clients: [],
    });
  });

  it("reads the vault at most once per tenant per TTL, and concurrent verifies share one read", async () => {
    const { auth, token, reads, clock } = await setup("kv-cache");
    const results = await Promise.all(Array.from({ length: 25 }, () => auth.verify("kv-cache", token)));
    expect(results.every(Boolean)).toBe(true);
    expect(reads()).toBe(1);
    clock.advance(TTL - SECOND);
    expect(await auth.verify("kv-cache", token)).toBe(true);
    expect(reads()).toBe(1);
    clock.advance(2 * SECOND);
    expect(await auth.verify("kv-cache", token)).toBe(true);
    expect(reads()).toBe(2);
  });

  it("costs at most one read per miss interval for unknown tokens, however many arrive", async () => {
    const { auth, token, reads, clock } = await setup("kv-unknown");
    expect(await auth.verify("kv-unknown", token)).toBe(true);
    const wrong = await Promise.all(
      Array.from({ length: 20 }, (_, i) => auth.verify("kv-unknown", `scim_wrong${i}`)),
    );
    expect(wrong.some(Boolean)).toBe(false);
    expect(reads()).toBe(1);
    clock.advance(MISS);
    await Promise.all(Array.from({ length: 20 }, (_, i) => auth.verify("kv-unknown", `scim_wrong${i}`)));
    expect(reads()).toBe(2);
  });

  it("rotates with a grace period: both tokens work, then the old one stops", async () => {
    const { auth, admin, token: old, clock, secret } = await setup("kv-rotate");
    expect(await auth.verify("kv-rotate", old)).toBe(true);
    const fresh = await admin.rotate("kv-rotate", 7);
    expect(vault.versions(secret)).toHaveLength(2);
    clock.advance(MISS);
    expect(await auth.verify("kv-rotate", fresh)).toBe(true);
    expect(await auth.verify("kv-rotate", old)).toBe(true);
    clock.advance(7 * DAY - MISS - SECOND);
    expect(await auth.verify("kv-rotate", old)).toBe(true);
    clock.advance(SECOND);
    // Expiry is checked on every call: no vault read needed for the grace period to end.
    expect(await auth.verify("kv-rotate", old)).toBe(false);
    expect(await auth.verify("kv-rotate", fresh)).toBe(true);
  });

  it("revokes at once in the vault; the app stops accepting within the cache TTL", async () => {
    const { auth, admin, token: old, clock } = await setup("kv-revoke");
    const fresh = await admin.rotate("kv-revoke", 7);
    expect(await auth.verify("kv-revoke", old)).toBe(true);
    const [summaryOld] = await admin.tokens("kv-revoke");
    expect(await admin.revokeTokens("kv-revoke")).toEqual([summaryOld!.id]);
    expect(await auth.verify("kv-revoke", old)).toBe(true); // cached until the TTL ends
    clock.advance(TTL);
    expect(await auth.verify("kv-revoke", old)).toBe(false);
    expect(await auth.verify("kv-revoke", fresh)).toBe(true);
    const [, summaryFresh] = await admin.tokens("kv-revoke");
    await admin.revokeTokens("kv-revoke", summaryFresh!.id);
    clock.advance(TTL);
    expect(await auth.verify("kv-revoke", fresh)).toBe(false);
  });

  it.each([429, 503, "drop"] as const)(
    "keeps verified tokens working through vault fault %s",
    async (fault) => {
      const { auth, token, reads, clock } = await setup(`kv-fault-${fault}`);
      const tenantId = `kv-fault-${fault}`;
      expect(await auth.verify(tenantId, token)).toBe(true);
      vault.failAlways(fault);
      clock.advance(TTL);
      const during = await Promise.all(Array.from({ length: 10 }, () => auth.verify(tenantId, token)));
      expect(during.every(Boolean)).toBe(true);
      const readsAfterFailure = reads();
      // Until the back-off ends, the failing vault is not asked again, even by unknown tokens.
      expect(await auth.verify(tenantId, token)).toBe(true);
      expect(await auth.verify(tenantId, "scim_unknown")).toBe(false);
      expect(reads()).toBe(readsAfterFailure);
      clock.advance(MISS);
      expect(await auth.verify(tenantId, token)).toBe(true);
      vault.recover();
      clock.advance(MISS);
      expect(await auth.verify(tenantId, token)).toBe(true);
    },
  );

  it("recovers from a short throttle by retrying inside the SDK", async () => {
    const { auth, token, reads } = await setup("kv-retry");
    vault.failNext(429, 1);
    expect(await auth.verify("kv-retry", token)).toBe(true);
    expect(reads()).toBe(2);
  });

  it("answers 'unavailable' (never 'unauthorized') when nothing is cached and the vault is down", async () => {
    const { auth, token } = await setup("kv-cold");
    vault.failAlways(503);
    await expect(auth.verify("kv-cold", token)).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it("keeps OAuth client-secret hashes in the tenant's secret and the signing key in its own", async () => {
    const { auth, admin, secret, keys, clock } = await setup("kv-oauth");
    const client = await admin.createClient("kv-oauth");
    expect(vault.versions(SIGNING_KEYS_SECRET)).toHaveLength(1);
    expect(vault.versions(secret).at(-1)).toContain(hashToken(client.clientSecret));
    expect(vault.versions(secret).at(-1)).not.toContain(client.clientSecret);
    clock.advance(MISS);
    expect(await auth.verifyClient("kv-oauth", client.clientId, client.clientSecret)).toBe(true);
    const issued = await new AccessTokens(keys, { lifetimeSeconds: 3600, clock: clock.now }).issue(
      "kv-oauth",
      client.clientId,
    );
    expect(await auth.verify("kv-oauth", issued.accessToken)).toBe(true);
    await admin.createClient("kv-oauth");
    expect(vault.versions(SIGNING_KEYS_SECRET)).toHaveLength(1);
  });

  it("keeps app-key hashes in the tenant's secret: the key opens the read API only, never SCIM", async () => {
    const { auth, secret, clock } = await setup("kv-appkeys");
    const registry = await freshTenantTable();
    await registry.create("kv-appkeys", clock.date());
    const store = new KeyVaultCredentialStore(vault.client(), { timeoutMs: 5_000 });
    const appKeys = new AppKeyAdmin(registry, store, {
      append: () => Promise.resolve(),
    } as unknown as AuditLog);
    const created = await appKeys.create("kv-appkeys", "teamgo");
    const stored = vault.versions(secret).at(-1) ?? "";
    expect(stored).toContain(hashToken(created.appKey));
    expect(stored).not.toContain(created.appKey);
    clock.advance(MISS);
    expect(await auth.identifyAppKey("kv-appkeys", created.appKey)).toBe(`appkey:${created.keyId}`);
    expect(await auth.verify("kv-appkeys", created.appKey)).toBe(false);
  });
});
