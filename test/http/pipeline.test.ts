import { LOG_LINE_FIELDS } from "../../src/http/pipeline";
import { hashToken } from "../../src/tenants/tokens";
import { startTestHost, type TestHost, type TestTenant } from "../support/testServices";

/**
 * Every HTTP surface (SCIM, OAuth token, operator, application API, health) goes through one request
 * pipeline: the same correlation-id rule, the same log-line shape, errors mapped once and formatted in
 * the surface's own body. Checked over HTTP against the local host, surface by surface.
 */

const ADMIN_TOKEN = "scimadm_pipeline-test-admin-token";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHAPE: readonly string[] = LOG_LINE_FIELDS;

interface LogLine {
  readonly event: string;
  readonly correlationId: string;
  readonly [field: string]: unknown;
}

interface SurfaceCase {
  readonly surface: string;
  readonly event: string;
  /** A request this surface answers 2xx. */
  ok(headers: Record<string, string>): Promise<Response>;
  /** A request it refuses with 401, in its own error format. */
  refused(headers: Record<string, string>): Promise<Response>;
  /** The correlation id as the surface's error body carries it. */
  errorCorrelation(body: string): string | undefined;
}

describe("one request pipeline for every surface", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let appKey: string;
  let client: { clientId: string; clientSecret: string };
  const lines: LogLine[] = [];
  const raw: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({ ADMIN_TOKEN_SHA256: hashToken(ADMIN_TOKEN) }, (_level, ...args) => {
      const text = args.map(String).join(" ");
      raw.push(text);
      if (text.startsWith("{")) lines.push(JSON.parse(text) as LogLine);
    });
    tenant = await harness.createTenant("pipe");
    appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    client = await harness.services.tenants.createClient(tenant.tenantId);
  });
  afterAll(() => harness.close());

  const origin = () => harness.host.origin;
  const form = (secret: string) =>
    new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: secret,
    });
  const inDetail = (body: string) =>
    /\(correlation id ([^)]+)\)/.exec((JSON.parse(body) as { detail: string }).detail)?.[1];

  const surfaces: SurfaceCase[] = [
    {
      surface: "SCIM",
      event: "scim.request",
      ok: (headers) =>
        fetch(`${tenant.tenantUrl}/Users`, {
          headers: { Authorization: `Bearer ${tenant.token}`, ...headers },
        }),
      refused: (headers) =>
        fetch(`${tenant.tenantUrl}/Users`, { headers: { Authorization: "Bearer no", ...headers } }),
      errorCorrelation: inDetail,
    },
    {
      surface: "OAuth token",
      event: "oauth.token",
      ok: (headers) =>
        fetch(`${tenant.tenantUrl}/oauth/token`, {
          method: "POST",
          headers,
          body: form(client.clientSecret),
        }),
      refused: (headers) =>
        fetch(`${tenant.tenantUrl}/oauth/token`, { method: "POST", headers, body: form("no") }),
      // RFC 6749 §5.2 has no place for it: the header carries it.
      errorCorrelation: () => undefined,
    },
    {
      surface: "operator",
      event: "ops.request",
      ok: (headers) =>
        fetch(`${origin()}/ops/tenants/${tenant.tenantId}/summary`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
        }),
      refused: (headers) =>
        fetch(`${origin()}/ops/tenants/${tenant.tenantId}/summary`, {
          headers: { Authorization: "Bearer no", ...headers },
        }),
      errorCorrelation: inDetail,
    },
    {
      surface: "application API",
      event: "app.request",
      ok: (headers) =>
        fetch(`${origin()}/api/v1/tenants/${tenant.tenantId}/events`, {
          headers: { Authorization: `Bearer ${appKey}`, ...headers },
        }),
      refused: (headers) =>
        fetch(`${origin()}/api/v1/tenants/${tenant.tenantId}/events`, {
          headers: { Authorization: "Bearer no", ...headers },
        }),
      errorCorrelation: (body) =>
        (JSON.parse(body) as { error: { correlationId: string } }).error.correlationId,
    },
  ];

  const lineOf = (correlationId: string | null) =>
    lines.filter((line) => line.correlationId === correlationId);

  it.each(surfaces.map((c) => [c.surface, c] as const))(
    "%s: takes a safe caller id, logs one line of the common shape, and answers errors in its own format",
    async (_name, surface) => {
      const answered = await surface.ok({ "X-Correlation-Id": `ok-${surface.event}` });
      expect(answered.status).toBe(200);
      expect(answered.headers.get("x-correlation-id")).toBe(`ok-${surface.event}`);
      const [line, ...more] = lineOf(`ok-${surface.event}`);
      expect(more).toEqual([]);
      expect(line).toMatchObject({ event: surface.event, tenantId: tenant.tenantId, status: 200 });
      expect(Object.keys(line ?? {})).toEqual(expect.arrayContaining(SHAPE));

      // Microsoft clients send client-request-id: the same rule takes it.
      const refused = await surface.refused({ "client-request-id": `no.${surface.event}:1` });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("x-correlation-id")).toBe(`no.${surface.event}:1`);
      const body = await refused.text();
      expect([undefined, `no.${surface.event}:1`]).toContain(surface.errorCorrelation(body));
      expect(lineOf(`no.${surface.event}:1`)).toEqual([
        expect.objectContaining({ event: surface.event, status: 401 }),
      ]);
    },
  );

  it.each(surfaces.map((c) => [c.surface, c] as const))(
    "%s: an over-long or unsafe correlation id is replaced by a new one, never echoed",
    async (_name, surface) => {
      const offered = [
        "x".repeat(65),
        `${"a".repeat(40)}<script>`,
        "two words",
        'quote"d',
        "semi;colon",
        "%0d%0aSet-Cookie:x",
      ];
      for (const unsafe of offered) {
        const before = raw.length;
        for (const response of [
          await surface.ok({ "X-Correlation-Id": unsafe }),
          await surface.refused({ "X-Correlation-Id": unsafe, "client-request-id": unsafe }),
        ]) {
          const id = response.headers.get("x-correlation-id") ?? "";
          expect(id).toMatch(UUID);
          const body = await response.text();
          expect(body).not.toContain(unsafe);
          expect(body).not.toContain(unsafe.slice(0, 64));
          expect(lineOf(id)).toHaveLength(1);
        }
        const logged = raw.slice(before).join("\n");
        expect(logged).not.toContain(unsafe.slice(0, 40));
      }
    },
  );

  it("health: the same rule and line shape on an unauthenticated endpoint", async () => {
    const response = await fetch(`${origin()}/health`, { headers: { "X-Correlation-Id": "health-1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-correlation-id")).toBe("health-1");
    const [line] = lineOf("health-1");
    expect(line).toMatchObject({ event: "health.request", status: 200, route: "health" });
    expect(Object.keys(line ?? {})).toEqual(
      expect.arrayContaining(SHAPE.filter((key) => key !== "tenantId")),
    );
    const replaced = await fetch(`${origin()}/health`, { headers: { "X-Correlation-Id": "y".repeat(100) } });
    expect(replaced.headers.get("x-correlation-id")).toMatch(UUID);
  });

  it("maps errors once: a 404 is a SCIM Error on SCIM and ops routes and the app API's JSON error there", async () => {
    const scim = await fetch(`${tenant.tenantUrl}/Users/missing`, {
      headers: { Authorization: `Bearer ${tenant.token}` },
    });
    expect(scim.status).toBe(404);
    expect(await scim.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });
    const ops = await fetch(`${origin()}/ops/tenants/nobody-here/summary`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ops.status).toBe(404);
    expect(await ops.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });
    const app = await fetch(`${origin()}/api/v1/tenants/${tenant.tenantId}/users/missing`, {
      headers: { Authorization: `Bearer ${appKey}` },
    });
    expect(app.status).toBe(404);
    const correlationId = app.headers.get("x-correlation-id");
    expect(await app.json()).toEqual({
      error: { code: "not_found", message: expect.any(String), correlationId },
    });
    expect(lineOf(correlationId)).toEqual([
      expect.objectContaining({ event: "app.request", status: 404, error: "not_found" }),
    ]);
  });
});
