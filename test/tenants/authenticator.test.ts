import { randomUUID } from "node:crypto";
import { AccessTokens } from "../../src/tenants/accessTokens";
import { Authenticator } from "../../src/tenants/authenticator";
import { SigningKeys } from "../../src/tenants/signingKeys";
import { TenantAdmin } from "../../src/tenants/tenantAdmin";
import { startTestHost, type TestHost } from "../support/testServices";
import { freshTenantTable } from "./tenantTables";

interface RequestLine {
  readonly tenantId: string;
  readonly status: number;
  readonly storageRoundTrips: number;
}

/** A wrong token at a real tenant and any token at a made-up one: the reads each costs, from the request log. */
describe("a wrong token and a made-up tenant cost the same work", () => {
  const cases = [
    ["every request reads the store (AUTH_CACHE_TTL_SECONDS=0)", "0"],
    ["the first request of each, with the default cache", "60"],
  ] as const;

  it.each(cases)("%s", async (_name, ttl) => {
    const lines: RequestLine[] = [];
    const harness: TestHost = await startTestHost({ AUTH_CACHE_TTL_SECONDS: ttl }, (_level, ...args) => {
      const text = args.map(String).join(" ");
      if (text.includes('"scim.request"')) lines.push(JSON.parse(text) as RequestLine);
    });
    try {
      const tenants = await Promise.all(Array.from({ length: 3 }, () => harness.createTenant("timing")));
      await harness.services.tenants.createClient(tenants[0]?.tenantId ?? "");
      const madeUp = Array.from({ length: 3 }, () => `timing-${randomUUID().slice(0, 8)}`);
      for (const tenantId of [...tenants.map((tenant) => tenant.tenantId), ...madeUp]) {
        const response = await fetch(`${harness.host.origin}/scim/v2/${tenantId}/Users`, {
          headers: { Authorization: `Bearer scim_${randomUUID()}` },
        });
        expect(response.status).toBe(401);
      }
      expect(lines.map((line) => line.status)).toEqual([401, 401, 401, 401, 401, 401]);
      const reads = new Set(lines.map((line) => line.storageRoundTrips));
      expect(reads.size).toBe(1);
      expect([...reads][0]).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });
});

describe("the authenticator's cache of tenant ids", () => {
  it("holds made-up tenant ids up to its bound, and does not let them push real tenants out", async () => {
    const store = await freshTenantTable();
    const admin = new TenantAdmin(store, store);
    const token = await admin.create("kept");
    const keys = new SigningKeys(store, { cacheTtlMs: 60_000, missRefreshMs: 5_000 });
    const authenticator = new Authenticator(store, store, new AccessTokens(keys, { lifetimeSeconds: 3600 }), {
      cacheTtlMs: 60_000,
      missRefreshMs: 5_000,
      maxUnknownTenants: 5,
    });
    expect(await authenticator.verify("kept", token)).toBe(true);
    for (let i = 0; i < 50; i += 1)
      expect(await authenticator.verify(`made-up-${String(i)}`, "scim_x")).toBe(false);
    expect(authenticator.cachedTenants).toBe(6);
    expect(authenticator.isKnownTenant("kept")).toBe(true);
    expect(await authenticator.authenticate("kept", token)).toMatchObject({ kind: "authenticated" });
    expect(await authenticator.authenticate("made-up-49", token)).toEqual({
      kind: "unauthenticated",
      tenantExists: false,
    });
  });
});
