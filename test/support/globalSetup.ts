import { startAzurite } from "../../tools/azurite";
import { freePort } from "../../tools/freePort";

declare global {
  var azuritePid: number | undefined;
}

/** Starts one in-memory Azurite (tables and queues) for the whole run; test workers inherit its connection string. */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite({ tablePort: await freePort(), queuePort: await freePort() });
  azurite.child.unref();
  globalThis.azuritePid = azurite.pid;
  process.env.STORAGE_CONNECTION_STRING = azurite.tableConnectionString;
  // Most suites drive one tenant far above any real tenant's rate (soak, races, the bench); the
  // per-tenant throttle is tested by the suites that set THROTTLE_* themselves.
  process.env.THROTTLE_REQUESTS_PER_SECOND ??= "0";
  process.env.THROTTLE_MAX_IN_FLIGHT ??= "0";
}
