import type { AppServices } from "../../src/app/composition";
import { TenantAdminError } from "../../src/tenants/tenantAdmin";
import { appKeyCommand } from "../../tools/appKeyCli";
import { createTestServices } from "../support/testServices";

describe("tenant CLI: app-key", () => {
  let services: AppServices;
  let run: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    services = await createTestServices();
    await services.tenants.create("acme");
    run = (...args) => appKeyCommand(args, { appKeys: services.appKeys, origin: "http://127.0.0.1:7071" });
  });

  it("creates a key shown once, stores only its hash, lists and revokes it", async () => {
    const created = JSON.parse(await run("create", "acme", "--name", "teamgo", "--json"));
    expect(created).toMatchObject({ tenantId: "acme", apiUrl: "http://127.0.0.1:7071/api/v1/tenants/acme" });
    expect(created.appKey).toMatch(/^scimapp_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(await services.tables.tenants.getEntity("acme", "credentials"));
    expect(stored).not.toContain(created.appKey);
    expect(stored).toContain(created.keyId);
    expect(await services.authenticator.identifyAppKey("acme", created.appKey)).toBe(
      `appkey:${created.keyId}`,
    );

    const listed = await run("list", "acme");
    expect(listed).toContain(`${created.keyId}\tactive`);
    expect(listed).toContain("teamgo");
    expect(listed).not.toContain(created.appKey);

    expect(await run("revoke", "acme", created.keyId)).toBe(
      `App key '${created.keyId}' of tenant 'acme' revoked.`,
    );
    expect(JSON.parse(await run("list", "acme", "--json"))).toEqual([
      expect.objectContaining({ keyId: created.keyId, status: "revoked" }),
    ]);
    expect(await services.authenticator.identifyAppKey("acme", created.appKey)).toBeUndefined();
    const audit = await services.auditLog.list("acme", { limit: 10 });
    expect(audit.records.map((record) => record.operation)).toEqual(["credentialRevoked", "clientCreated"]);
    expect(JSON.stringify(audit)).not.toContain(created.appKey);
  });

  it("refuses an unknown tenant, key or command with a usage message and changes nothing", async () => {
    await expect(run("create", "nobody")).rejects.toThrow("Tenant 'nobody' does not exist.");
    await expect(run("revoke", "acme", "no-such-key")).rejects.toThrow(TenantAdminError);
    await expect(run("rotate", "acme")).rejects.toThrow("Unknown app-key command 'rotate'");
    await expect(run("create")).rejects.toThrow("needs a tenant id");
  });
});
