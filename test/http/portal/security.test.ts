import { PORTAL_CSP } from "../../../src/http/portal/portalHeaders";
import { portalClient, type PortalClient } from "../../support/portalClient";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

const MINUTE_MS = 60_000;

/** Every state-changing call of the portal API, with a body that would be accepted. */
const CHANGES: readonly [string, string, unknown][] = [
  ["POST", "/portal/api/credentials/tokens", {}],
  ["POST", "/portal/api/credentials/clients", {}],
  [
    "POST",
    "/portal/api/trusts",
    { issuer: "https://i.example.test", subject: "s", audiences: ["a"], jwksUri: "https://i.example.test/k" },
  ],
  ["PUT", "/portal/api/debug", { enabled: true }],
  ["POST", "/portal/api/webhooks", { url: "http://127.0.0.1:9/hook" }],
  ["POST", "/portal/api/app-keys", {}],
  ["POST", "/portal/api/test-connection", { token: "scim_x" }],
  ["DELETE", "/portal/api/session", undefined],
];

function expectPortalHeaders(headers: Headers, what: string): void {
  expect({ what, csp: headers.get("content-security-policy") }).toEqual({ what, csp: PORTAL_CSP });
  expect({ what, nosniff: headers.get("x-content-type-options") }).toEqual({ what, nosniff: "nosniff" });
  expect({ what, referrer: headers.get("referrer-policy") }).toEqual({ what, referrer: "no-referrer" });
  expect({ what, frame: headers.get("x-frame-options") }).toEqual({ what, frame: "DENY" });
}

describe("portal security over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let other: TestTenant;
  let now = Date.now();
  const logLines: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost(
      {},
      (_level, ...args) => {
        logLines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      },
      { clock: () => now },
    );
    tenant = await harness.createTenant("sec");
    other = await harness.createTenant("foreign");
  });

  afterAll(() => harness.close());

  async function signedIn(tenantId = tenant.tenantId): Promise<PortalClient> {
    const browser = portalClient(harness.host.origin);
    const { secret } = await harness.services.setupLinks.create(tenantId, 1);
    expect((await browser.signIn(secret)).status).toBe(200);
    return browser;
  }

  async function auditCount(tenantId: string): Promise<number> {
    return (await harness.services.auditLog.list(tenantId, { limit: 200 })).records.length;
  }

  it("refuses an expired link with 401", async () => {
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    now += 61 * MINUTE_MS;
    try {
      expect((await portalClient(harness.host.origin).signIn(secret)).status).toBe(401);
    } finally {
      now -= 61 * MINUTE_MS;
    }
    // Still unused: the refusal changed nothing, and the link's own time has simply passed.
    expect((await harness.services.setupLinks.list(tenant.tenantId)).map((link) => link.state)).not.toContain(
      "used",
    );
  });

  it("ends a session after the idle timeout, and at its absolute end however active", async () => {
    const idle = await signedIn();
    now += 14 * MINUTE_MS;
    expect((await idle.call("GET", "/portal/api/session")).status).toBe(200);
    now += 14 * MINUTE_MS; // active 14 minutes ago: still within the idle timeout
    expect((await idle.call("GET", "/portal/api/session")).status).toBe(200);
    now += 16 * MINUTE_MS;
    const expired = await idle.call("GET", "/portal/api/connect");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("unauthenticated");
    const busy = await signedIn();
    for (let minutes = 0; minutes < 8 * 60; minutes += 10) {
      now += 10 * MINUTE_MS;
      expect((await busy.call("GET", "/portal/api/session")).status).toBe(minutes + 10 < 8 * 60 ? 200 : 401);
    }
  });

  it("refuses every change without the session's CSRF token, or with another session's, changing nothing", async () => {
    const browser = await signedIn();
    const another = await signedIn();
    const before = await auditCount(tenant.tenantId);
    for (const [method, path, body] of CHANGES) {
      for (const token of ["", "x", String(another.csrfToken)]) {
        const answer = await browser.call(method, path, body, { "X-CSRF-Token": token });
        expect({ method, path, token, status: answer.status, code: answer.body?.error?.code }).toEqual({
          method,
          path,
          token,
          status: 403,
          code: "csrf",
        });
      }
    }
    const stripped = portalClient(harness.host.origin);
    stripped.cookie = browser.cookie;
    expect((await stripped.call("POST", "/portal/api/credentials/tokens", {})).status).toBe(403);
    expect(await auditCount(tenant.tenantId)).toBe(before);
    expect((await browser.call("GET", "/portal/api/debug")).body.enabled).toBe(false);
    expect((await browser.call("GET", "/portal/api/session")).status).toBe(200);
  });

  it("keeps a session to its own tenant: another tenant's ids are not found, an edited cookie opens nothing", async () => {
    const mine = await signedIn();
    const theirs = await signedIn(other.tenantId);
    const webhook = await theirs.call("POST", "/portal/api/webhooks", { url: "http://127.0.0.1:9/hook" });
    const key = await theirs.call("POST", "/portal/api/app-keys", {});
    const client = await theirs.call("POST", "/portal/api/credentials/clients", {});
    const before = await auditCount(other.tenantId);
    for (const [method, path] of [
      ["DELETE", `/portal/api/webhooks/${webhook.body.id}`],
      ["POST", `/portal/api/webhooks/${webhook.body.id}/test`],
      ["GET", `/portal/api/webhooks/${webhook.body.id}/deliveries`],
      ["DELETE", `/portal/api/app-keys/${key.body.keyId}`],
      ["DELETE", `/portal/api/credentials/${client.body.id}`],
      ["POST", `/portal/api/credentials/${client.body.id}/rotate`],
    ] as const) {
      const answer = await mine.call(method, path, method === "POST" ? {} : undefined);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
    }
    expect(await auditCount(other.tenantId)).toBe(before);
    expect((await mine.call("GET", "/portal/api/webhooks")).body).toEqual([]);
    // A cookie edited to name the other tenant matches no session there.
    const forged = portalClient(harness.host.origin);
    forged.cookie = String(mine.cookie).replace(tenant.tenantId, other.tenantId);
    forged.csrfToken = mine.csrfToken;
    expect((await forged.call("GET", "/portal/api/webhooks")).status).toBe(401);
    expect((await forged.call("POST", "/portal/api/app-keys", {})).status).toBe(401);
  });

  it("answers bad input with a 4xx JSON error, never a 5xx, and changes nothing", async () => {
    const browser = await signedIn();
    const before = await auditCount(tenant.tenantId);
    const bad: [string, string, unknown][] = [
      ["POST", "/portal/api/session", "{not json"],
      ["POST", "/portal/api/session", { link: 42 }],
      ["POST", "/portal/api/session", { link: "x".repeat(5000) }],
      ["POST", "/portal/api/credentials/tokens", { graceDays: -1 }],
      ["POST", "/portal/api/credentials/tokens", "[]"],
      ["POST", "/portal/api/credentials/clients", { years: 7 }],
      ["POST", "/portal/api/trusts", { issuer: "https://i.example.test" }],
      [
        "POST",
        "/portal/api/trusts",
        { issuer: "http://i.example.test", subject: "s", audiences: ["a"], jwksUri: "http://x" },
      ],
      ["DELETE", "/portal/api/trusts/no-such-trust", undefined],
      ["PUT", "/portal/api/debug", { enabled: "yes" }],
      ["PUT", "/portal/api/debug", { enabled: true, minutes: 100000 }],
      ["POST", "/portal/api/webhooks", { url: "ftp://example.test" }],
      ["POST", "/portal/api/webhooks", { url: "http://127.0.0.1:9/hook", eventTypes: ["nope"] }],
      ["DELETE", "/portal/api/webhooks/..%2F..%2Fetc", undefined],
      ["POST", "/portal/api/webhooks/nope/test", {}],
      ["POST", "/portal/api/webhooks/nope/explode", {}],
      ["DELETE", "/portal/api/app-keys/nope", undefined],
      ["POST", "/portal/api/app-keys", { name: "n".repeat(1000) }],
      ["POST", "/portal/api/credentials/nope/rotate", {}],
      ["POST", "/portal/api/credentials/nope/explode", {}],
      ["DELETE", "/portal/api/credentials/nope", undefined],
      ["POST", "/portal/api/test-connection", {}],
      ["POST", "/portal/api/test-connection", { token: "t".repeat(10_000) }],
      ["POST", "/portal/api/credentials/tokens", "x".repeat(40_000)],
      ["GET", "/portal/api/audit?count=0", undefined],
      ["GET", "/portal/api/audit?count=abc", undefined],
      ["GET", "/portal/api/audit?cursor=%%%", undefined],
      ["GET", "/portal/api/audit?cursor=eyJuZXh0UGFydGl0aW9uS2V5IjoxfQ", undefined],
      ["GET", "/portal/api/nothing-here", undefined],
      ["PATCH", "/portal/api/session", {}],
    ];
    for (const [method, path, body] of bad) {
      const answer = await browser.call(method, path, body);
      expect({ method, path, status: answer.status >= 400 && answer.status < 500 }).toEqual({
        method,
        path,
        status: true,
      });
      expect({ method, path, error: typeof answer.body?.error?.code }).toEqual({
        method,
        path,
        error: "string",
      });
      expectPortalHeaders(answer.headers, `${method} ${path}`);
    }
    expect(await auditCount(tenant.tenantId)).toBe(before);
    expect(logLines.filter((line) => /"status":5\d\d/.test(line))).toEqual([]);
  });

  it("sends the CSP and the other headers with every portal response: page, API, refusals", async () => {
    const browser = await signedIn();
    const anonymous = portalClient(harness.host.origin);
    const answers = [
      ["page", await anonymous.call("GET", "/portal/")],
      ["page file", await anonymous.call("GET", "/portal/index.html")],
      ["no such file", await anonymous.call("GET", "/portal/secret.txt")],
      ["outside the folder", await anonymous.call("GET", "/portal/..%2Fpackage.json")],
      ["no session", await anonymous.call("GET", "/portal/api/status")],
      ["API", await browser.call("GET", "/portal/api/status")],
      ["API change", await browser.call("PUT", "/portal/api/debug", { enabled: false })],
      ["sign-in refused", await anonymous.call("POST", "/portal/api/session", { link: "nope" })],
    ] as const;
    for (const [what, answer] of answers) expectPortalHeaders(answer.headers, what);
    expect(answers[0][1].status).toBe(200);
    expect(answers[0][1].headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(answers[2][1].status).toBe(404);
    expect(answers[3][1].status).toBe(404);
    expect(answers[5][1].headers.get("cache-control")).toBe("no-store");
    const bare = await anonymous.call("GET", "/portal");
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/portal/");
  });

  it("never answers a secret twice and never logs one", async () => {
    logLines.length = 0;
    const browser = await signedIn();
    const secrets = [
      String(browser.cookie).slice("portal_session=".length),
      String(browser.csrfToken),
      String((await browser.call("POST", "/portal/api/credentials/tokens", {})).body.token),
      String((await browser.call("POST", "/portal/api/credentials/clients", {})).body.clientSecret),
      String(
        (await browser.call("POST", "/portal/api/webhooks", { url: "http://127.0.0.1:9/h2" })).body.secret,
      ),
      String((await browser.call("POST", "/portal/api/app-keys", {})).body.appKey),
    ];
    await browser.call("POST", "/portal/api/test-connection", { token: secrets[2] });
    await browser.call("PUT", "/portal/api/debug", { enabled: true });
    await browser.call("POST", "/portal/api/test-connection", { token: secrets[2] });
    for (const path of [
      "connect",
      "credentials",
      "trusts",
      "status",
      "audit?count=100",
      "debug",
      "webhooks",
      "app-keys",
    ]) {
      expect((await browser.call("GET", `/portal/api/${path}`)).status).toBe(200);
    }
    for (const secret of secrets.slice(2)) {
      expect(secret.length).toBeGreaterThan(40);
      expect(browser.bodies.filter((body) => body.includes(secret))).toHaveLength(1);
    }
    expect(logLines.some((line) => line.includes('"event":"portal.request"'))).toBe(true);
    for (const secret of secrets) expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
    const audit = JSON.stringify(await harness.services.auditLog.list(tenant.tenantId, { limit: 500 }));
    for (const secret of secrets) expect(audit).not.toContain(secret);
    await browser.call("PUT", "/portal/api/debug", { enabled: false });
  });
});
