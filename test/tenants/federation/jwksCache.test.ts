import { JwksCache, JwksInvalidError, JwksUnavailableError } from "../../../src/tenants/federation/jwksCache";
import { makeKey, TestIssuer } from "../../support/jwksIssuer";
import { manualClock } from "../tenantTables";

describe("issuer key cache", () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await new TestIssuer().start();
    issuer.published = [await makeKey("k1")];
  });
  afterAll(() => issuer.close());

  const options = (clock: ReturnType<typeof manualClock>, log: Record<string, unknown>[] = []) => ({
    maxAgeMs: 60_000,
    cooldownMs: 10_000,
    timeoutMs: 2000,
    maxBytes: 4096,
    clock: clock.now,
    log: (line: Record<string, unknown>) => log.push(line),
  });

  it("fetches once for many concurrent lookups, and not again while fresh", async () => {
    const cache = new JwksCache(options(manualClock()));
    const before = issuer.fetches;
    const keys = await Promise.all(Array.from({ length: 20 }, () => cache.key(issuer.jwksUri, "k1")));
    expect(keys.every((key) => key !== undefined)).toBe(true);
    await cache.key(issuer.jwksUri, "k1");
    expect(issuer.fetches).toBe(before + 1);
  });

  it("refuses oversized, non-JSON and keyless sets as invalid, unreachable ones as unavailable", async () => {
    const clock = manualClock();
    const cache = new JwksCache(options(clock));
    const big = await makeKey("big");
    issuer.published = Array.from({ length: 20 }, () => big);
    await expect(cache.key(issuer.jwksUri, "big")).rejects.toBeInstanceOf(JwksInvalidError);
    issuer.published = [];
    clock.advance(10_000);
    await expect(cache.key(issuer.jwksUri, "k1")).rejects.toThrow(/no RS256 signing key/);
    issuer.mode = "notFound";
    clock.advance(10_000);
    await expect(cache.key(issuer.jwksUri, "k1")).rejects.toBeInstanceOf(JwksInvalidError);
    issuer.mode = "down";
    clock.advance(10_000);
    await expect(cache.key(issuer.jwksUri, "k1")).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(cache.status()).toEqual({ sets: 1, servingLastGood: 0, unavailable: 1 });
    issuer.mode = "keys";
    issuer.published = [await makeKey("k1")];
  });

  it("skips keys that are not RS256 signing keys", async () => {
    const cache = new JwksCache(options(manualClock()));
    const good = await makeKey("good");
    issuer.published = [
      { ...good, kid: "enc", publicJwk: { ...good.publicJwk, kid: "enc", use: "enc" } },
      { ...good, kid: "ps", publicJwk: { ...good.publicJwk, kid: "ps", alg: "PS256" } },
      good,
    ];
    expect(await cache.key(issuer.jwksUri, "good")).toBeDefined();
    expect(await cache.key(issuer.jwksUri, "enc")).toBeUndefined();
    expect(await cache.key(issuer.jwksUri, "ps")).toBeUndefined();
  });
});
