import { hashToken } from "../../../src/tenants/tokens";
import { portalClient } from "../../support/portalClient";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

const ADMIN_TOKEN = "scimadm_setup-link-test";

describe("operator API: /ops/tenants/{tenantId}/setup-links", () => {
  let harness: TestHost;
  let tenant: TestTenant;

  beforeAll(async () => {
    harness = await startTestHost({ ADMIN_TOKEN_SHA256: hashToken(ADMIN_TOKEN) });
    tenant = await harness.createTenant("opslink");
  });

  afterAll(() => harness.close());

  const ops = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) => {
    const response = await fetch(`${harness.host.origin}/ops/tenants/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  };

  it("creates a link that signs in once, lists it as used, and revokes another", async () => {
    const created = await ops("POST", `${tenant.tenantId}/setup-links`, { hours: 1 });
    expect(created.status).toBe(201);
    expect(created.body.url).toMatch(
      new RegExp(`^${harness.host.origin}/portal/#link=${tenant.tenantId}\\.`),
    );
    const secret = String(created.body.url).split("#link=")[1] ?? "";
    expect((await portalClient(harness.host.origin).signIn(secret)).status).toBe(200);
    const other = await ops("POST", `${tenant.tenantId}/setup-links`, {});
    expect((await ops("DELETE", `${tenant.tenantId}/setup-links/${other.body.linkId}`)).body.state).toBe(
      "revoked",
    );
    const listed = await ops("GET", `${tenant.tenantId}/setup-links`);
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ linkId: created.body.linkId, state: "used" }),
        expect.objectContaining({ linkId: other.body.linkId, state: "revoked" }),
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it("refuses without the operator's token, for an unknown tenant or link, and for bad hours, changing nothing", async () => {
    const before = await ops("GET", `${tenant.tenantId}/setup-links`);
    expect((await ops("POST", `${tenant.tenantId}/setup-links`, {}, "scimadm_wrong")).status).toBe(401);
    expect((await ops("POST", `nobody/setup-links`, {})).status).toBe(404);
    expect((await ops("DELETE", `${tenant.tenantId}/setup-links/0123456789abcdef`)).status).toBe(404);
    for (const hours of [0, -1, 100000, "soon"]) {
      expect((await ops("POST", `${tenant.tenantId}/setup-links`, { hours })).status).toBe(400);
    }
    expect((await ops("GET", `${tenant.tenantId}/setup-links`)).body).toEqual(before.body);
  });
});
