import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { TableWebhookStore } from "../../src/store/tableWebhookStore";
import { TableTenants } from "../../src/store/tableTenants";
import { WebhookAdmin } from "../../src/webhooks/webhookAdmin";
import { createTestServices } from "../support/testServices";

describe("WebhookAdmin in Azure mode (https only, no internal addresses)", () => {
  let services: AppServices;
  let admin: WebhookAdmin;
  let tenantId: string;

  beforeAll(async () => {
    services = await createTestServices();
    const tenants = new TableTenants(services.tables.tenants);
    admin = new WebhookAdmin(
      new TableWebhookStore(services.tables.tenants),
      tenants,
      services.eventLog,
      undefined,
      { local: false },
    );
    tenantId = `az-${randomUUID().slice(0, 8)}`;
    await services.tenants.create(tenantId);
  });

  it("refuses http, loopback, private and link-local targets with 400, storing nothing", async () => {
    for (const url of [
      "http://hooks.example.com/x",
      "http://127.0.0.1:4000/x",
      "https://localhost/x",
      "https://10.0.0.5/x",
      "https://192.168.0.10/x",
      "https://169.254.169.254/latest",
      "https://[fe80::1]/x",
    ]) {
      await expect(admin.add(tenantId, { url })).rejects.toMatchObject({ status: 400, code: "invalid_url" });
    }
    expect(await admin.list(tenantId)).toEqual([]);
    const credentials = await services.tables.tenants.getEntity<{ document: string }>(
      tenantId,
      "credentials",
    );
    expect(credentials.document).not.toContain("whsec_");
  });

  it("accepts https to a public host", async () => {
    const { endpoint, secret } = await admin.add(tenantId, { url: "https://hooks.example.com/scim" });
    expect(endpoint).toMatchObject({
      url: "https://hooks.example.com/scim",
      status: "enabled",
      eventTypes: [],
    });
    expect(secret).toMatch(/^whsec_/);
  });
});
