import { request } from "node:http";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";
import { portalClient } from "../../support/portalClient";

describe("portal sign-in with a setup link, over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("portal");
    other = await harness.createTenant("other");
  });

  afterAll(() => harness.close());

  it("starts a session for the link's tenant, with a cookie the page cannot read or send cross-site", async () => {
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    const browser = portalClient(harness.host.origin);
    const answer = await browser.signIn(secret);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      tenantId: tenant.tenantId,
      tenantUrl: tenant.tenantUrl,
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
      idleTimeoutSeconds: 900,
    });
    const cookie = answer.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^portal_session=[^;]+; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/portal");
    // Plain http on this machine: a browser would drop a Secure cookie.
    expect(cookie).not.toContain("Secure");
    expect(answer.text).not.toContain(secret);
    const again = await browser.call("GET", "/portal/api/session");
    expect(again.status).toBe(200);
    expect(again.body.tenantId).toBe(tenant.tenantId);
    expect(again.body.csrfToken).toBe(answer.body.csrfToken);
  });

  it("marks the cookie Secure when the portal is reached by any name but this machine's (Azure mode)", async () => {
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    // fetch() will not send another Host; node:http will, as a front end in Azure would.
    const answer = await new Promise<{ status?: number; cookie?: string }>((resolve, reject) => {
      const body = JSON.stringify({ link: secret });
      const outgoing = request(`${harness.host.origin}/portal/api/session`, {
        method: "POST",
        headers: {
          Host: "scim.example.test",
          "Content-Type": "application/json",
          "Content-Length": body.length,
        },
      });
      outgoing.on("response", (response) => {
        response.resume();
        resolve({ status: response.statusCode, cookie: response.headers["set-cookie"]?.[0] });
      });
      outgoing.on("error", reject);
      outgoing.end(body);
    });
    expect(answer.status).toBe(200);
    const cookie = answer.cookie ?? "";
    expect(cookie.split("; ")).toEqual(
      expect.arrayContaining(["HttpOnly", "SameSite=Strict", "Path=/portal", "Secure"]),
    );
  });

  it("refuses a used, an expired, a revoked, a made-up and a foreign-tenant link alike, with 401", async () => {
    const links = harness.services.setupLinks;
    const used = await links.create(tenant.tenantId, 1);
    expect((await portalClient(harness.host.origin).signIn(used.secret)).status).toBe(200);
    const revoked = await links.create(tenant.tenantId, 1);
    await links.revoke(tenant.tenantId, revoked.linkId);
    const foreign = await links.create(other.tenantId, 1);
    const relabelled = foreign.secret.replace(other.tenantId, tenant.tenantId);
    for (const link of [
      used.secret,
      revoked.secret,
      relabelled,
      `${tenant.tenantId}.${"A".repeat(43)}`,
      "nonsense",
    ]) {
      const browser = portalClient(harness.host.origin);
      const answer = await browser.signIn(link);
      expect({ link, status: answer.status, code: answer.body?.error?.code }).toEqual({
        link,
        status: 401,
        code: "unauthenticated",
      });
      expect(answer.headers.get("set-cookie")).toBeNull();
    }
    // The foreign link still works for its own tenant, and only for it.
    const browser = portalClient(harness.host.origin);
    expect((await browser.signIn(foreign.secret)).body.tenantId).toBe(other.tenantId);
  });

  it("starts exactly one session when the same link is used twice at once", async () => {
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => portalClient(harness.host.origin).signIn(secret)),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it("signs out: the cookie no longer opens anything, and DELETE needs the CSRF token", async () => {
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    const browser = portalClient(harness.host.origin);
    await browser.signIn(secret);
    const withoutToken = await browser.call("DELETE", "/portal/api/session", undefined, {
      "X-CSRF-Token": "",
    });
    expect(withoutToken.status).toBe(403);
    expect((await browser.call("DELETE", "/portal/api/session")).status).toBe(204);
    expect((await browser.call("GET", "/portal/api/session")).status).toBe(401);
  });
});
