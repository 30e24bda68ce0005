import { KeyVaultCredentialStore } from "../../../src/tenants/keyVaultCredentialStore";
import { tenantSecretName } from "../../../src/tenants/secretNames";
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
  let store: KeyVaultCredentialStore;
  let harness: TestHost;

  beforeAll(async () => {
    vault = await FakeKeyVault.start();
    store = new KeyVaultCredentialStore(vault.client(), { timeoutMs: 5_000 });
    harness = await startTestHost({ KEY_VAULT_URI: vault.url }, () => undefined, { credentials: store });
  });

  afterAll(async () => {
    await harness.close();
    await vault.close();
  });

  it("adds endpoints and rotates their secrets through the API, writing the secrets to the vault", async () => {
    const tenant = await harness.createTenant("kvhooks");
    const appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(
        `${harness.host.origin}/api/v1/tenants/${tenant.tenantId}/webhooks${path}`,
        {
          method,
          headers: { Authorization: `Bearer ${appKey}`, "Content-Type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
      );
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const secretName = tenantSecretName(tenant.tenantId);
    const versionsBefore = vault.versions(secretName).length;

    const created = await call("POST", "", { url: "https://hooks.example.com/x" });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const rotated = await call("POST", `/${id}/rotate-secret`, { overlapHours: 1 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    // Each change is a new version of the tenant's secret, written by the app's own store.
    expect(vault.versions(secretName).length).toBe(versionsBefore + 2);
    const stored = await store.read(tenant.tenantId);
    expect(stored.webhookSecrets?.filter((secret) => secret.endpointId === id).map((s) => s.secret)).toEqual([
      created.body.secret,
      rotated.body.secret,
    ]);
    // Shown once: the listing never carries a secret.
    const listed = await call("GET", "");
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain("whsec_");
  });

  it("keeps every endpoint added at the same moment (no lost update of the tenant's secret)", async () => {
    const tenant = await harness.createTenant("kvrace");
    const added = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        harness.services.webhooks.add(tenant.tenantId, { url: `https://hooks.example.com/${index}` }),
      ),
    );
    const stored = await store.read(tenant.tenantId);
    expect(stored.webhookSecrets?.map((secret) => secret.endpointId).sort()).toEqual(
      added.map((created) => created.endpoint.id).sort(),
    );
  });

  it("answers 503 and adds no endpoint when the vault refuses the write (a missing role)", async () => {
    const tenant = await harness.createTenant("kvdenied");
    const appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    vault.failAlways(403);
    try {
      const response = await fetch(`${harness.host.origin}/api/v1/tenants/${tenant.tenantId}/webhooks`, {
        method: "POST",
        headers: { Authorization: `Bearer ${appKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({ url: "https://hooks.example.com/x" }),
      });
      expect(response.status).toBe(503);
      expect(await response.text()).not.toContain("whsec_");
    } finally {
      vault.recover();
    }
    expect(await harness.services.webhooks.list(tenant.tenantId)).toEqual([]);
  });
});
