import { spawn } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { createServices } from "../src/app/composition";
import { loadConfig } from "../src/config";
import { startAzurite } from "./azurite";
import {
  DEMO_TENANT,
  DEV_FOLDER,
  prepareDemoTenant,
  readDevState,
  tenantUrl,
  writeDevState,
} from "./devEnvironment";
import { recordRunningConnector } from "./runningConnector";

/** UseDevelopmentStorage=true, as the Functions host and local.settings.json expect it. */
const DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true";
const FUNC_PORT = 7071;

/**
 * `npm start`: the real Functions host (`func start`, from Azure Functions Core Tools, installed
 * separately) against Azurite on its default ports, which UseDevelopmentStorage=true points at.
 */
async function main(): Promise<void> {
  if (!existsSync("local.settings.json")) copyFileSync("local.settings.sample.json", "local.settings.json");
  const azurite = await startAzurite({
    tablePort: 10002,
    blobPort: 10000,
    queuePort: 10001,
    location: DEV_FOLDER,
  });
  const origin = `http://localhost:${FUNC_PORT}`;
  const services = createServices(
    loadConfig({ ...process.env, STORAGE_CONNECTION_STRING: DEVELOPMENT_STORAGE }),
  );
  const token = await prepareDemoTenant(services, readDevState()?.demoToken);
  writeDevState({ demoToken: token });
  const forgetRecord = recordRunningConnector({
    pid: process.pid,
    origin,
    storageConnectionString: azurite.tableConnectionString,
    inMemory: false,
    startedAt: new Date().toISOString(),
  });
  console.log(`\nTenant URL:   ${tenantUrl(origin, DEMO_TENANT)}\nSecret Token: ${token}\n`);

  const func = spawn("func", ["start", "--port", String(FUNC_PORT)], { stdio: "inherit" });
  func.once("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      console.error(
        "'func' was not found. Install Azure Functions Core Tools v4 (see the README), or use 'npm run dev', which needs no Core Tools.",
      );
    } else {
      console.error(error.message);
    }
    forgetRecord();
    void azurite.stop().then(() => process.exit(1));
  });
  func.once("exit", (code) => {
    forgetRecord();
    void azurite.stop().then(() => process.exit(code ?? 0));
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      func.kill(signal);
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
