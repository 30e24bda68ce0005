import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { LogHandler } from "@azure/functions";
import { createServices, stopBackgroundWork, type AppServices } from "../../src/app/composition";
import { loadConfig } from "../../src/config";
import { ensureTables } from "../../src/store/tableClients";
import { createRoutes } from "../../src/http/routes";
import { startLocalHost, type LocalHost } from "../../tools/localHost";
import { manualClock } from "./tenantTables";
import { recordingCall } from "../support/jsonCall";

const clock = manualClock();
const logs: string[] = [];
const bodies: string[] = [];
const captureLogs: LogHandler = (level, ...args) => {
  logs.push(
    `${level} ${args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 5 }))).join(" ")}`,
  );
};

let services: AppServices;
let host: LocalHost;

beforeAll(async () => {
  const unique = randomUUID().replace(/-/g, "").slice(0, 12);
  const config = loadConfig({
    ...process.env,
    RESOURCES_TABLE: `res${unique}`,
    TENANTS_TABLE: `ten${unique}`,
    // Every request reads the store: revokes and disables show at once (the TTL is tested elsewhere).
    AUTH_CACHE_TTL_SECONDS: "0",
  });
  services = createServices(config, { clock: clock.now });
  await ensureTables(services.tables);
  host = await startLocalHost(0, createRoutes(services), captureLogs);
});
afterAll(() => {
  stopBackgroundWork(services);
  return host.close();
});

async function newTenant(prefix: string) {
  const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const secretToken = await services.tenants.create(tenantId);
  const client = await services.tenants.createClient(tenantId);
  return { tenantId, secretToken, ...client, tenantUrl: `${host.origin}/scim/v2/${tenantId}` };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

const call = recordingCall(bodies);

function requestToken(tenantUrl: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return call(`${tenantUrl}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const scimGet = (tenantUrl: string, bearer: string) =>
  call(`${tenantUrl}/ServiceProviderConfig`, { headers: { Authorization: `Bearer ${bearer}` } });

describe("OAuth 2.0 client credentials", () => {
  it("issues a tenant-scoped access token for Basic credentials (Entra) and form credentials (validator)", async () => {
    const tenant = await newTenant("oa");
    const viaHeader = await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(tenant.clientId, tenant.clientSecret) },
    );
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(viaHeader.headers.get("cache-control")).toBe("no-store");
    const viaForm = await requestToken(tenant.tenantUrl, {
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
    });
    expect(viaForm.status).toBe(200);
    expect((await scimGet(tenant.tenantUrl, viaHeader.body.access_token)).status).toBe(200);
    expect((await scimGet(tenant.tenantUrl, viaForm.body.access_token)).status).toBe(200);
    // The Secret Token keeps working alongside.
    expect((await scimGet(tenant.tenantUrl, tenant.secretToken)).status).toBe(200);
  });

  it("refuses tenant A's access token and client credentials at tenant B", async () => {
    const a = await newTenant("oa-a");
    const b = await newTenant("oa-b");
    const tokenA = (
      await requestToken(
        a.tenantUrl,
        { grant_type: "client_credentials" },
        { Authorization: basic(a.clientId, a.clientSecret) },
      )
    ).body.access_token as string;
    expect((await scimGet(b.tenantUrl, tokenA)).status).toBe(401);
    const crossed = await requestToken(
      b.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(a.clientId, a.clientSecret) },
    );
    expect(crossed.status).toBe(401);
    expect(crossed.body.error).toBe("invalid_client");
  });

  it("answers RFC 6749 errors", async () => {
    const tenant = await newTenant("oa-err");
    const auth = { Authorization: basic(tenant.clientId, tenant.clientSecret) };
    const wrong = await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(tenant.clientId, "scimcs_wrong") },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await requestToken(tenant.tenantUrl, { grant_type: "client_credentials" })).body.error).toBe(
      "invalid_client",
    );
    const noGrant = await requestToken(tenant.tenantUrl, {}, auth);
    expect([noGrant.status, noGrant.body.error]).toEqual([400, "invalid_request"]);
    const password = await requestToken(tenant.tenantUrl, { grant_type: "password" }, auth);
    expect([password.status, password.body.error]).toEqual([400, "unsupported_grant_type"]);
    const asJson = await call(`${tenant.tenantUrl}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...auth },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expect([asJson.status, asJson.body.error]).toEqual([400, "invalid_request"]);
    const twice = await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials", client_secret: tenant.clientSecret },
      auth,
    );
    expect([twice.status, twice.body.error]).toEqual([400, "invalid_request"]);
  });

  it("keeps several client secrets active; revoking one ends it and its access tokens", async () => {
    const tenant = await newTenant("oa-multi");
    const second = await services.tenants.createClient(tenant.tenantId, 3);
    const token = async (id: string, secret: string) =>
      requestToken(
        tenant.tenantUrl,
        { grant_type: "client_credentials" },
        { Authorization: basic(id, secret) },
      );
    const first = (await token(tenant.clientId, tenant.clientSecret)).body.access_token as string;
    expect((await token(second.clientId, second.clientSecret)).status).toBe(200);
    await services.tenants.revokeClient(tenant.tenantId, tenant.clientId);
    expect((await token(tenant.clientId, tenant.clientSecret)).status).toBe(401);
    expect((await scimGet(tenant.tenantUrl, first)).status).toBe(401);
    expect((await token(second.clientId, second.clientSecret)).status).toBe(200);
    expect((await services.tenants.clients(tenant.tenantId)).map((c) => c.status)).toEqual([
      "revoked",
      "active",
    ]);
  });

  it("ends access tokens after their lifetime and client secrets after their expiry", async () => {
    const tenant = await newTenant("oa-exp");
    const issued = await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(tenant.clientId, tenant.clientSecret) },
    );
    clock.advance(59 * 60 * 1000);
    expect((await scimGet(tenant.tenantUrl, issued.body.access_token)).status).toBe(200);
    clock.advance(60 * 1000);
    expect((await scimGet(tenant.tenantUrl, issued.body.access_token)).status).toBe(401);
    clock.advance(366 * 24 * 60 * 60 * 1000);
    const expired = await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(tenant.clientId, tenant.clientSecret) },
    );
    expect(expired.status).toBe(401);
    await expect(services.tenants.createClient(tenant.tenantId, 4)).rejects.toThrow(/1, 2 or 3 years/);
  });

  it("fails every credential of a disabled tenant, both kinds", async () => {
    const tenant = await newTenant("oa-off");
    const auth = { Authorization: basic(tenant.clientId, tenant.clientSecret) };
    const access = (await requestToken(tenant.tenantUrl, { grant_type: "client_credentials" }, auth)).body
      .access_token as string;
    await services.tenants.disable(tenant.tenantId);
    expect((await scimGet(tenant.tenantUrl, tenant.secretToken)).status).toBe(401);
    expect((await scimGet(tenant.tenantUrl, access)).status).toBe(401);
    expect((await requestToken(tenant.tenantUrl, { grant_type: "client_credentials" }, auth)).status).toBe(
      401,
    );
    await services.tenants.enable(tenant.tenantId);
    expect((await scimGet(tenant.tenantUrl, access)).status).toBe(200);
  });

  it("configures the access-token lifetime within 1-6 hours", () => {
    const base = { ...process.env };
    expect(loadConfig({ ...base, ACCESS_TOKEN_LIFETIME_MINUTES: "360" }).ACCESS_TOKEN_LIFETIME_MINUTES).toBe(
      360,
    );
    expect(() => loadConfig({ ...base, ACCESS_TOKEN_LIFETIME_MINUTES: "30" })).toThrow(
      /ACCESS_TOKEN_LIFETIME_MINUTES/,
    );
    expect(() => loadConfig({ ...base, ACCESS_TOKEN_LIFETIME_MINUTES: "361" })).toThrow(
      /ACCESS_TOKEN_LIFETIME_MINUTES/,
    );
  });
});

describe("credential hygiene", () => {
  it("never writes a token or secret, good or bad, to logs or response bodies", async () => {
    const tenant = await newTenant("oa-hyg");
    const access = (
      await requestToken(
        tenant.tenantUrl,
        { grant_type: "client_credentials" },
        { Authorization: basic(tenant.clientId, tenant.clientSecret) },
      )
    ).body.access_token as string;
    const badToken = `scim_${randomUUID()}`;
    const badSecret = `scimcs_${randomUUID()}`;
    await scimGet(tenant.tenantUrl, tenant.secretToken);
    await scimGet(tenant.tenantUrl, access);
    await scimGet(tenant.tenantUrl, badToken);
    await scimGet(tenant.tenantUrl, `${access.slice(0, -4)}AAAA`);
    await requestToken(
      tenant.tenantUrl,
      { grant_type: "client_credentials" },
      { Authorization: basic(tenant.clientId, badSecret) },
    );
    await requestToken(tenant.tenantUrl, {
      grant_type: "client_credentials",
      client_id: tenant.clientId,
      client_secret: badSecret,
    });
    await requestToken(tenant.tenantUrl, {
      grant_type: "password",
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
    });
    expect(logs.some((line) => line.includes(tenant.tenantId))).toBe(true);
    const secrets = [tenant.secretToken, tenant.clientSecret, access, badToken, badSecret];
    const signatures = [access.split(".")[2]!];
    for (const text of [...logs, ...bodies.filter((body) => !body.includes("access_token"))]) {
      for (const secret of [...secrets, ...signatures]) expect(text).not.toContain(secret);
    }
  });
});
