import { KeyVaultCredentialStore } from "../../../src/tenants/keyVaultCredentialStore";
import { FakeKeyVault } from "../../support/keyVaultServer";
import { loadAppApiSpec } from "../../support/openApi";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

describe("webhook endpoints API over HTTP (app key), checked against docs/app-api.openapi.json", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let appKey: string;
  const spec = loadAppApiSpec();
  const BASE = "/api/v1/tenants/{tenantId}/webhooks";

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("hookapi");
    appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
  });

  afterAll(() => harness.close());

  async function call(method: string, template: string, path: string, body?: unknown, key = appKey) {
    const response = await fetch(`${harness.host.origin}/api/v1/tenants/${tenant.tenantId}/webhooks${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text === "" ? undefined : JSON.parse(text);
    if (response.status !== 204) {
      expect(spec.problems(`${BASE}${template}`, response.status, parsed, method.toLowerCase())).toEqual([]);
    }
    return { status: response.status, body: parsed };
  }

  it("registers, reads, rotates, lists deliveries of and removes an endpoint", async () => {
    const created = await call("POST", "", "", {
      url: "http://127.0.0.1:4999/hook",
      eventTypes: ["user.deleted"],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = String(created.body.id);
    const listed = await call("GET", "", "");
    expect(listed.body.data).toEqual([expect.objectContaining({ id, eventTypes: ["user.deleted"] })]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await call("GET", "/{id}", `/${id}`)).body.status).toBe("enabled");
    const rotated = await call("POST", "/{id}/rotate-secret", `/${id}/rotate-secret`, { overlapHours: 1 });
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect((await call("GET", "/{id}/deliveries", `/${id}/deliveries`)).body).toEqual({ data: [] });
    expect((await call("DELETE", "/{id}", `/${id}`)).status).toBe(204);
    expect((await call("GET", "/{id}", `/${id}`)).status).toBe(404);
  });

  it("refuses bad input with 400 and changes nothing", async () => {
    for (const body of [
      { url: "http://127.0.0.1:4999/hook", eventTypes: ["user.renamed"] },
      { url: "http://hooks.example.com/" },
      { url: "nonsense" },
      { eventTypes: [] },
      "{not json",
    ]) {
      expect((await call("POST", "", "", body)).status).toBe(400);
    }
    expect((await call("POST", "", "", { url: `https://x.example/${"a".repeat(20_000)}` })).status).toBe(413);
    expect((await call("GET", "", "")).body.data).toEqual([]);
  });

  it("is closed to Entra's SCIM token", async () => {
    expect((await call("GET", "", "", undefined, tenant.token)).status).toBe(401);
    expect((await call("POST", "", "", { url: "http://127.0.0.1:4999/h" }, tenant.token)).status).toBe(401);
  });
});

describe("webhook endpoints API with Key Vault (as in Azure)", () => {
  let vault: FakeKeyVault;
  let harness: TestHost;

  beforeAll(async () => {
    vault = await FakeKeyVault.start();
    harness = await startTestHost({ KEY_VAULT_URI: vault.url }, () => undefined, {
      credentials: new KeyVaultCredentialStore(vault.client(), { timeoutMs: 5_000 }),
    });
  });

  afterAll(async () => {
    await harness.close();
    await vault.close();
  });

  it("leaves adding endpoints and rotating secrets to the operator's CLI (403), and still lists them", async () => {
    const tenant = await harness.createTenant("kvhooks");
    const appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${harness.host.origin}/api/v1/tenants/${tenant.tenantId}/webhooks${path}`, {
        method,
        headers: { Authorization: `Bearer ${appKey}`, "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const refused = await call("POST", "", { url: "https://hooks.example.com/x" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "operator_only" } });
    const { endpoint } = await harness.services.webhooks.add(tenant.tenantId, {
      url: "https://hooks.example.com/x",
    });
    expect((await call("POST", `/${endpoint.id}/rotate-secret`, {})).status).toBe(403);
    expect(((await (await call("GET", "")).json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});
