import { randomUUID } from "node:crypto";
import { createServices } from "../../src/app/composition";
import { loadConfig } from "../../src/config";
import { CachedHealth, type HealthCheck } from "../../src/diagnostics/health";
import { ensureTables } from "../../src/store/tableClients";
import { KeyVaultCredentialStore } from "../../src/tenants/keyVaultCredentialStore";
import { SIGNING_KEYS_SECRET } from "../../src/tenants/secretNames";
import { createRoutes } from "../../src/http/routes";
import { startLocalHost, type LocalHost } from "../../tools/localHost";
import { FakeKeyVault } from "../support/keyVaultServer";

describe("GET /health", () => {
  let vault: FakeKeyVault;
  let host: LocalHost;

  beforeAll(async () => {
    vault = await FakeKeyVault.start();
    const unique = randomUUID().replace(/-/g, "").slice(0, 12);
    const config = loadConfig({
      ...process.env,
      RESOURCES_TABLE: `res${unique}`,
      TENANTS_TABLE: `ten${unique}`,
    });
    const credentials = new KeyVaultCredentialStore(vault.client(), { timeoutMs: 5_000 });
    const services = createServices(config, { credentials });
    await ensureTables(services.tables);
    host = await startLocalHost(0, createRoutes(services));
  });
  afterAll(async () => {
    await host.close();
    await vault.close();
  });

  it("reads the credential store once for many anonymous calls, sequential or concurrent", async () => {
    const health = () => fetch(`${host.origin}/health`).then((response) => response.json());
    for (let i = 0; i < 10; i += 1) expect(await health()).toMatchObject({ status: "ok" });
    await Promise.all(Array.from({ length: 10 }, health));
    expect(vault.reads(SIGNING_KEYS_SECRET)).toBe(1);
  });
});

describe("CachedHealth", () => {
  it("runs the checks again once the report is older than its cache time, and reports a failing check", async () => {
    let now = 0;
    let runs = 0;
    let failing = false;
    const check: HealthCheck = {
      name: "store",
      check: () => {
        runs += 1;
        return failing ? Promise.reject(new Error("down")) : Promise.resolve();
      },
    };
    const health = new CachedHealth([check], 10_000, () => now);
    expect((await health.report()).status).toBe("ok");
    failing = true;
    now = 9_999;
    expect((await health.report()).status).toBe("ok");
    now = 10_000;
    expect((await health.report()).status).toBe("degraded");
    expect(runs).toBe(2);
  });
});
