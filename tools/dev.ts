import { randomBytes } from "node:crypto";
import { createServices, stopBackgroundWork } from "../src/app/composition";
import { loadConfig } from "../src/config";
import { createRoutes } from "../src/http/routes";
import { runRetention } from "../src/jobs/retention";
import { hashToken } from "../src/tenants/tokens";
import { startAzurite } from "./azurite";
import {
  DEMO_TENANT,
  DEV_FOLDER,
  demoSetupLink,
  prepareDemoTenant,
  readDevState,
  tenantUrl,
  writeDevState,
} from "./devEnvironment";
import { freePort } from "./freePort";
import { startLocalHost } from "./localHost";
import { recordRunningConnector } from "./runningConnector";
import { consumerHint, startDevWebhooks } from "./devWebhooks";

const HOUR_MS = 60 * 60 * 1000;

/**
 * `npm run dev`: Azurite's Table service and the local HTTP host, no Azure and no Core Tools.
 * `--in-memory` keeps Azurite's data in memory instead of .azurite/.
 */
async function main(): Promise<void> {
  const inMemory = process.argv.includes("--in-memory");
  const port = Number(process.env.PORT ?? 7071);
  const azurite = await startAzurite({
    tablePort: await freePort(),
    queuePort: await freePort(),
    ...(inMemory ? {} : { location: DEV_FOLDER }),
  });
  let host: Awaited<ReturnType<typeof startLocalHost>> | undefined;
  let retention: NodeJS.Timeout | undefined;
  let forgetRecord = (): void => undefined;
  let webhooks: Awaited<ReturnType<typeof startDevWebhooks>> | undefined;
  let stopServices = (): void => undefined;
  const stopAll = async () => {
    forgetRecord();
    stopServices();
    clearInterval(retention);
    await webhooks?.stop();
    await host?.close();
    await azurite.stop();
  };
  try {
    // A fresh admin token each start, for the operator endpoints (/ops/...) of this local host only.
    const adminToken = `scimadm_${randomBytes(32).toString("base64url")}`;
    const services = createServices(
      loadConfig({
        ...process.env,
        STORAGE_CONNECTION_STRING: azurite.tableConnectionString,
        ADMIN_TOKEN_SHA256: hashToken(adminToken),
      }),
    );
    stopServices = () => {
      stopBackgroundWork(services);
    };
    retention = setInterval(() => void runRetention(services).catch(() => undefined), HOUR_MS).unref();
    const previous = inMemory ? undefined : readDevState();
    const token = await prepareDemoTenant(services, previous?.demoToken);
    webhooks = await startDevWebhooks(services);
    host = await startLocalHost(port, createRoutes(services), (level, ...args) => {
      if (level === "error" || level === "warning") console.error(...args);
      else console.log(...args);
    });
    if (!inMemory) writeDevState({ demoToken: token });
    forgetRecord = recordRunningConnector({
      pid: process.pid,
      origin: host.origin,
      storageConnectionString: azurite.tableConnectionString,
      inMemory,
      startedAt: new Date().toISOString(),
    });
    console.log(`\nSCIM connector running at ${host.origin} (Azurite Table service pid ${azurite.pid})`);
    console.log(`  Tenant URL:   ${tenantUrl(host.origin, DEMO_TENANT)}`);
    console.log(`  Secret Token: ${token}`);
    console.log(`  Portal:       ${await demoSetupLink(services, host.origin)}  (one-time setup link)`);
    console.log(
      `  Admin token:  ${adminToken}  (for ${host.origin}/ops/tenants/${DEMO_TENANT}/audit and /summary)`,
    );
    console.log(`\n${consumerHint(host.origin)}`);
    console.log(
      `\nMore tenants: npm run tenant -- create <tenantId>    Health: ${host.origin}/health    Stop: Ctrl-C\n`,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  const shutdown = () => {
    void stopAll().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
