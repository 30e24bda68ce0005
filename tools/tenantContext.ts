import { createServices, type AppServices } from "../src/app/composition";
import { loadConfig } from "../src/config";
import { ensureTables } from "../src/store";
import { CliError, usageError, type CliContext } from "./cliCommand";
import {
  findRunningConnector,
  portOpen,
  RUNNING_FILE,
  tableEndpointOf,
  type RunningConnector,
} from "./runningConnector";

const DEFAULT_ORIGIN = "http://127.0.0.1:7071";
const PROBE_TIMEOUT_MS = 3000;

export interface ContextOptions {
  /** --url: the SCIM base URL, for the Tenant URLs printed. */
  readonly url?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the running local connector records itself. */
  readonly runningFile?: string;
  /** AppServices made elsewhere (tests), instead of from the environment. */
  readonly services?: () => Promise<AppServices>;
}

/** Whether the environment names storage itself (Azure, or any Azurite), so no local connector is needed. */
export function storageConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.STORAGE_CONNECTION_STRING || env.STORAGE_TABLE_ENDPOINT);
}

/** The Table service the settings name, when they name one (an account name alone is left to the SDK). */
function configuredEndpoint(env: NodeJS.ProcessEnv): URL | undefined {
  if (env.STORAGE_CONNECTION_STRING) {
    if (/UseDevelopmentStorage=true/i.test(env.STORAGE_CONNECTION_STRING))
      return new URL("http://127.0.0.1:10002");
    return tableEndpointOf(env.STORAGE_CONNECTION_STRING);
  }
  return URL.canParse(env.STORAGE_TABLE_ENDPOINT ?? "")
    ? new URL(env.STORAGE_TABLE_ENDPOINT ?? "")
    : undefined;
}

/**
 * A closed port fails in one TCP connect here, where the SDK's retries would take seconds before
 * saying the same.
 */
async function ensureReachable(env: NodeJS.ProcessEnv): Promise<void> {
  const endpoint = configuredEndpoint(env);
  // Behind a proxy the SDK reaches storage through it; a direct connect says nothing.
  const proxied = ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"].some((name) => env[name]);
  if (endpoint === undefined || proxied) return;
  const port = Number(endpoint.port || (endpoint.protocol === "https:" ? 443 : 80));
  if (await portOpen(endpoint.hostname, port, PROBE_TIMEOUT_MS)) return;
  throw new CliError(
    "unreachable",
    `The storage at ${endpoint.host} is not reachable (nothing answers on port ${port}).`,
    "Check STORAGE_CONNECTION_STRING / STORAGE_TABLE_ENDPOINT and your network, or start the storage it names.",
  );
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

function configFrom(env: NodeJS.ProcessEnv): ReturnType<typeof loadConfig> {
  try {
    return loadConfig(env);
  } catch (error) {
    const problems = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, "; ");
    throw usageError(`${problems}.`);
  }
}

/**
 * The tenant CLI's context: storage from STORAGE_CONNECTION_STRING / STORAGE_TABLE_ENDPOINT, else
 * the running local connector's. Nothing is resolved until a command asks.
 */
export function tenantCliContext(options: ContextOptions = {}): CliContext & { keyVaultUri?: string } {
  const env = options.env ?? process.env;
  const connector = once<RunningConnector | undefined>(async () =>
    storageConfigured(env) ? undefined : findRunningConnector(options.runningFile ?? RUNNING_FILE),
  );
  const services =
    options.services ??
    once(async () => {
      const running = await connector();
      if (running === undefined) await ensureReachable(env);
      const config = configFrom(
        running ? { ...env, STORAGE_CONNECTION_STRING: running.storageConnectionString } : env,
      );
      const created = createServices(config);
      // The running connector made its tables when it started.
      if (running === undefined && config.STORAGE_CONNECTION_STRING !== undefined)
        await ensureTables(created.tables);
      return created;
    });
  return {
    keyVaultUri: env.KEY_VAULT_URI,
    services,
    async scimBaseUrl() {
      const explicit = options.url ?? env.SCIM_BASE_URL;
      const base = explicit ?? `${(await connector())?.origin ?? DEFAULT_ORIGIN}/scim/v2`;
      return base.replace(/\/+$/, "");
    },
    async tenantServices(tenantId) {
      const current = await services();
      if (!(await current.tenants.exists(tenantId))) {
        throw new CliError(
          "notFound",
          `Tenant '${tenantId}' does not exist.`,
          "'npm run tenant -- list' shows the tenants.",
        );
      }
      return current;
    },
  };
}
