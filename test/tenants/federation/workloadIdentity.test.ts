import { createHmac, randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { LogHandler } from "@azure/functions";
import { exportSPKI, importJWK, type JWTPayload, type KeyLike } from "jose";
import { createServices, stopBackgroundWork, type AppServices } from "../../../src/app/composition";
import { loadConfig } from "../../../src/config";
import { ensureTables } from "../../../src/store/tableClients";
import { createRoutes } from "../../../src/http/routes";
import { startLocalHost, type LocalHost } from "../../../tools/localHost";
import { makeKey, signAssertion, TestIssuer, type IssuerKey } from "../../support/jwksIssuer";
import { manualClock } from "../tenantTables";
import { recordingCall } from "../../support/jsonCall";

/** Workload identity federation end to end: a local issuer, our token endpoint over HTTP, SCIM calls. */

const clock = manualClock(Date.now());
const logs: string[] = [];
const bodies: string[] = [];
const capture: LogHandler = (level, ...args) => {
  logs.push(
    `${level} ${args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 5 }))).join(" ")}`,
  );
};
const federationLog: Record<string, unknown>[] = [];
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const MINUTE = 60;

let services: AppServices;
let host: LocalHost;
let issuer: TestIssuer;
let key1: IssuerKey;

beforeAll(async () => {
  const unique = randomUUID().replace(/-/g, "").slice(0, 12);
  services = createServices(
    loadConfig({
      ...process.env,
      RESOURCES_TABLE: `res${unique}`,
      TENANTS_TABLE: `ten${unique}`,
      AUTH_CACHE_TTL_SECONDS: "0",
    }),
    { clock: clock.now, federationLog: (line) => federationLog.push(line) },
  );
  await ensureTables(services.tables);
  host = await startLocalHost(0, createRoutes(services), capture);
  issuer = await new TestIssuer().start();
  key1 = await makeKey("key-1");
  issuer.published = [key1];
});
afterAll(async () => {
  stopBackgroundWork(services);
  await host.close();
  await issuer.close();
});

const nowSeconds = () => Math.floor(clock.now() / 1000);

async function federatedTenant(prefix: string, jwksUri = issuer.jwksUri) {
  const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
  await services.tenants.create(tenantId);
  const subject = randomUUID();
  const issuerName = `https://login.example.test/${randomUUID()}/v2.0`;
  const audiences = [`api://${randomUUID()}`, randomUUID()];
  const trust = await services.trusts.add(tenantId, { issuer: issuerName, subject, audiences, jwksUri });
  const tenantUrl = `${host.origin}/scim/v2/${tenantId}`;
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: issuerName,
    sub: subject,
    aud: audiences[0],
    iat: nowSeconds(),
    nbf: nowSeconds(),
    exp: nowSeconds() + 30 * MINUTE,
    jti: randomUUID(),
    ...extra,
  });
  return { tenantId, tenantUrl, trust, claims };
}

const call = recordingCall(bodies);

function requestToken(
  tenantUrl: string,
  assertion: string,
  extra: Record<string, string> = {},
  headers = {},
) {
  return call(`${tenantUrl}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      ...extra,
    }).toString(),
  });
}

const scimGet = (tenantUrl: string, bearer: string) =>
  call(`${tenantUrl}/Users?count=1`, { headers: { Authorization: `Bearer ${bearer}` } });

function expectRefused(answer: { status: number; body?: { error?: string } }) {
  expect([answer.status, answer.body?.error]).toEqual([401, "invalid_client"]);
}

describe("workload identity federation at the token endpoint", () => {
  it("trades a good assertion for an access token that ends with the assertion", async () => {
    const tenant = await federatedTenant("wif");
    const claims = tenant.claims({ exp: nowSeconds() + 20 * MINUTE });
    const answer = await requestToken(tenant.tenantUrl, await signAssertion(key1, claims));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: "Bearer", expires_in: 20 * 60 });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const token = answer.body.access_token as string;
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(200);
    // The same token names this tenant only.
    const other = await federatedTenant("wif-other");
    expect((await scimGet(other.tenantUrl, token)).status).toBe(401);
    clock.advance(20 * 60 * 1000);
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(401);
  });

  it("accepts the trust's id as client_id and any of its audiences, exactly", async () => {
    const tenant = await federatedTenant("wif-aud");
    const second = tenant.trust.audiences[1] ?? "";
    const byId = await requestToken(
      tenant.tenantUrl,
      await signAssertion(key1, tenant.claims({ aud: second })),
      {
        client_id: tenant.trust.trustId,
      },
    );
    expect(byId.status).toBe(200);
    const bySubject = await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims()), {
      client_id: tenant.trust.subject,
    });
    expect(bySubject.status).toBe(200);
    const otherId = await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims()), {
      client_id: randomUUID(),
    });
    expectRefused(otherId);
    const near = await requestToken(
      tenant.tenantUrl,
      await signAssertion(key1, tenant.claims({ aud: `${second}/` })),
    );
    expectRefused(near);
  });

  it("refuses a wrong issuer, subject, audience, signature or algorithm with 401 invalid_client", async () => {
    const tenant = await federatedTenant("wif-bad");
    const other = await makeKey("key-1");
    // The classic confusion attack: HS256, keyed with the issuer's public key as published.
    const publicPem = await exportSPKI((await importJWK(key1.publicJwk, "RS256")) as KeyLike);
    const unsigned = (claims: JWTPayload, alg: string) => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const input = `${encode({ alg, typ: "JWT", kid: key1.kid })}.${encode(claims)}`;
      if (alg === "none") return `${input}.`;
      return `${input}.${createHmac("sha256", publicPem).update(input).digest("base64url")}`;
    };
    const refusals = {
      issuer: await signAssertion(key1, tenant.claims({ iss: "https://login.example.test/other/v2.0" })),
      issuerWithClientId: await signAssertion(key1, tenant.claims({ iss: "https://evil.example.test" })),
      subject: await signAssertion(key1, tenant.claims({ sub: randomUUID() })),
      audience: await signAssertion(key1, tenant.claims({ aud: "api://someone-else" })),
      signature: await signAssertion(other, tenant.claims()),
      none: unsigned(tenant.claims(), "none"),
      hs256WithPublicKey: unsigned(tenant.claims(), "HS256"),
    };
    for (const [name, assertion] of Object.entries(refusals)) {
      const extra: Record<string, string> =
        name === "issuerWithClientId" ? { client_id: tenant.trust.trustId } : {};
      const answer = await requestToken(tenant.tenantUrl, assertion, extra);
      expect({ name, status: answer.status, error: answer.body?.error }).toEqual({
        name,
        status: 401,
        error: "invalid_client",
      });
      expect(answer.headers.get("www-authenticate")).not.toBeNull();
    }
  });

  it("checks exp and nbf with a small skew", async () => {
    const tenant = await federatedTenant("wif-time");
    const expired = tenant.claims({
      iat: nowSeconds() - 3600,
      nbf: nowSeconds() - 3600,
      exp: nowSeconds() - 1,
    });
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, expired)));
    const early = tenant.claims({ nbf: nowSeconds() + 5 * MINUTE });
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, early)));
    const slightlyEarly = tenant.claims({ nbf: nowSeconds() + 30 });
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key1, slightlyEarly))).status).toBe(200);
    const tooLong = tenant.claims({ exp: nowSeconds() + 3 * 24 * 3600 });
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tooLong)));
    const noExp = tenant.claims();
    delete noExp.exp;
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, noExp)));
  });

  it("refuses a replayed jti while it lives; a refused assertion claims nothing", async () => {
    const tenant = await federatedTenant("wif-jti");
    const jti = randomUUID();
    const wrongAudience = await signAssertion(key1, tenant.claims({ jti, aud: "api://nobody" }));
    expectRefused(await requestToken(tenant.tenantUrl, wrongAudience));
    const assertion = await signAssertion(key1, tenant.claims({ jti }));
    expect((await requestToken(tenant.tenantUrl, assertion)).status).toBe(200);
    expectRefused(await requestToken(tenant.tenantUrl, assertion));
    // Another assertion reusing the jti is refused too, but the same jti under another trust is not.
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims({ jti }))));
    const elsewhere = await federatedTenant("wif-jti2");
    expect(
      (await requestToken(elsewhere.tenantUrl, await signAssertion(key1, elsewhere.claims({ jti })))).status,
    ).toBe(200);
  });

  it("follows a key rollover, fetching the key set again at a bounded rate", async () => {
    const tenant = await federatedTenant("wif-roll");
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims()))).status).toBe(
      200,
    );
    clock.advance(31 * 1000);
    const key2 = await makeKey(`key-2-${randomUUID()}`);
    issuer.published = [key1, key2];
    const before = issuer.fetches;
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key2, tenant.claims()))).status).toBe(
      200,
    );
    expect(issuer.fetches).toBe(before + 1);
    // Unknown kids within the cool-down cost no fetch at all.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const stranger = await makeKey(`unknown-${attempt}`);
      expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(stranger, tenant.claims())));
    }
    expect(issuer.fetches).toBe(before + 1);
    // The old key retires: once the set is fetched again, its assertions are refused.
    issuer.published = [key2];
    clock.advance(61 * 60 * 1000);
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims())));
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key2, tenant.claims()))).status).toBe(
      200,
    );
    issuer.published = [key1];
  });

  it("keeps the last good key set while the issuer is down, says so, and answers 503 when it has none", async () => {
    const down = await new TestIssuer().start();
    const key = await makeKey("down-key");
    down.published = [key];
    const tenant = await federatedTenant("wif-down", down.jwksUri);
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key, tenant.claims()))).status).toBe(
      200,
    );
    down.mode = "down";
    clock.advance(61 * 60 * 1000);
    expect((await requestToken(tenant.tenantUrl, await signAssertion(key, tenant.claims()))).status).toBe(
      200,
    );
    expect(federationLog).toContainEqual(
      expect.objectContaining({
        event: "wif.jwks",
        jwksUri: down.jwksUri,
        outcome: "unreachable",
        servingLastGood: true,
      }),
    );
    const health = await call(`${host.origin}/health`, {});
    expect(health.status).toBe(200);
    expect(health.body.checks.federationKeys).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/last good/),
    });
    // A key rollover while the issuer is down cannot be verified: retry later, not "wrong credentials".
    const newKey = await makeKey("down-key-2");
    const rolled = await requestToken(tenant.tenantUrl, await signAssertion(newKey, tenant.claims()));
    expect([rolled.status, rolled.body.error]).toEqual([503, "temporarily_unavailable"]);
    expect(rolled.headers.get("retry-after")).toMatch(/^\d+$/);
    // An issuer never reached: 503 as well.
    await down.close();
    const never = await federatedTenant("wif-never", down.jwksUri.replace("/discovery/", "/never/"));
    const answer = await requestToken(never.tenantUrl, await signAssertion(key, never.claims()));
    expect([answer.status, answer.body.error]).toEqual([503, "temporarily_unavailable"]);
    down.mode = "keys";
    clock.advance(61 * 60 * 1000);
  });

  it("answers garbage, a malformed assertion, an unknown trust and mixed methods with clear 4xx", async () => {
    const garbage = await new TestIssuer().start();
    garbage.mode = "garbage";
    const tenant = await federatedTenant("wif-junk", garbage.jwksUri);
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims())));
    expect(federationLog).toContainEqual(
      expect.objectContaining({ jwksUri: garbage.jwksUri, outcome: "invalid" }),
    );
    await garbage.close();
    const good = await federatedTenant("wif-form");
    for (const malformed of ["abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30."]) {
      expectRefused(await requestToken(good.tenantUrl, malformed));
    }
    // An assertion too big for the token form is refused before it is read.
    const huge = await requestToken(good.tenantUrl, "x".repeat(20_000));
    expect([huge.status, huge.body.error]).toEqual([413, "invalid_request"]);
    const stranger = await federatedTenant("wif-stranger");
    expectRefused(await requestToken(stranger.tenantUrl, await signAssertion(key1, good.claims())));
    const mixed = await requestToken(good.tenantUrl, await signAssertion(key1, good.claims()), {
      client_secret: "scimcs_x",
    });
    expect([mixed.status, mixed.body.error]).toEqual([400, "invalid_request"]);
    const wrongType = await requestToken(good.tenantUrl, await signAssertion(key1, good.claims()), {
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
    });
    expect([wrongType.status, wrongType.body.error]).toEqual([400, "invalid_request"]);
    const missing = await requestToken(good.tenantUrl, "");
    expect([missing.status, missing.body.error]).toEqual([400, "invalid_request"]);
    expectRefused(
      await requestToken(`${host.origin}/scim/v2/no-such-tenant`, await signAssertion(key1, good.claims())),
    );
  });

  it("ends a removed trust's tokens and refuses a disabled tenant", async () => {
    const tenant = await federatedTenant("wif-rm");
    const token = (await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims()))).body
      .access_token as string;
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(200);
    await services.tenants.disable(tenant.tenantId);
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(401);
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims())));
    await services.tenants.enable(tenant.tenantId);
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(200);
    await services.trusts.remove(tenant.tenantId, tenant.trust.trustId);
    expect((await scimGet(tenant.tenantUrl, token)).status).toBe(401);
    expectRefused(await requestToken(tenant.tenantUrl, await signAssertion(key1, tenant.claims())));
  });

  it("never logs an assertion or a token", async () => {
    const tenant = await federatedTenant("wif-hyg");
    const good = await signAssertion(key1, tenant.claims());
    const bad = await signAssertion(key1, tenant.claims({ aud: "api://x" }));
    const token = (await requestToken(tenant.tenantUrl, good)).body.access_token as string;
    await requestToken(tenant.tenantUrl, good);
    await requestToken(tenant.tenantUrl, bad);
    await scimGet(tenant.tenantUrl, token);
    expect(logs.some((line) => line.includes("oauth.token") && line.includes("replayed jti"))).toBe(true);
    const secrets = [good, bad, token].flatMap((jwt) => [jwt, jwt.split(".")[2] ?? ""]);
    const texts = [...logs, ...federationLog.map((line) => JSON.stringify(line))];
    for (const text of [...texts, ...bodies.filter((body) => !body.includes("access_token"))]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
