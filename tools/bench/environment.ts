import { randomUUID } from "node:crypto";
import type { LogHandler } from "@azure/functions";
import { createServices, stopBackgroundWork, type AppServices } from "../../src/app/composition";
import { createRoutes } from "../../src/http/routes";
import { loadConfig } from "../../src/config";
import { ensureTables } from "../../src/store";
import { startAzurite, type RunningAzurite } from "../azurite";
import { freePort } from "../freePort";
import { startLocalHost, type LocalHost } from "../localHost";
import { BenchHttp } from "./http";

/** What the endpoint logs once per request (src/http/endpoint.ts). */
interface RequestLogLine {
  readonly correlationId: string;
  readonly status: number;
  /** Time inside the endpoint, from the handler's start to the answer. */
  readonly durationMs: number;
  readonly storageRoundTrips: number;
  /** Rows (entities) storage returned, where the stores count them. */
  readonly storageRowsRead?: number;
  /** Keys of key-only counts (a listing's totalResults). */
  readonly storageKeysRead?: number;
}

export interface BenchTenant {
  readonly tenantId: string;
  readonly tenantUrl: string;
  readonly token: string;
  readonly http: BenchHttp;
}

/** Correlation ids the bench tags its requests with start with this; only their log lines are kept. */
export const BENCH_TAG = "bench-";

export interface BenchEnvironment {
  readonly azurite?: RunningAzurite;
  readonly services: AppServices;
  readonly host: LocalHost;
  /** The log line the endpoint wrote for the request tagged `correlationId`, forgotten once read. */
  takeRequestLine(correlationId: string): RequestLogLine | undefined;
  readonly serverErrors: string[];
  createTenant(prefix: string): Promise<BenchTenant>;
  close(): Promise<void>;
}

const TAGGED_LINE = `{"event":"scim.request","correlationId":"${BENCH_TAG}`;
const ID_START = TAGGED_LINE.length - BENCH_TAG.length;

/**
 * Keeps the tagged requests' log lines as written: parsing each one here would charge the bench's
 * bookkeeping to the host's CPU, and keeping the untagged ones (fixtures, the initial cycle) would
 * grow the heap the host collects.
 */
function logCollector(requestLog: Map<string, string>, serverErrors: string[]): LogHandler {
  return (level, ...args) => {
    const [first] = args;
    if (level === "error") {
      if (serverErrors.length < 20) serverErrors.push(args.map(String).join(" "));
      return;
    }
    if (typeof first !== "string" || !first.startsWith(TAGGED_LINE)) return;
    requestLog.set(first.slice(ID_START, first.indexOf('"', ID_START)), first);
  };
}

export interface EnvironmentOptions {
  /** Use this storage instead of starting Azurite (tests pass the one jest started). */
  readonly storageConnectionString?: string;
}

/**
 * Azurite (in memory, free port), the services over fresh tables, and the local host on a free
 * port, all in this process except Azurite. The token cache lives for an hour so that its
 * once-a-minute refresh read is not counted against whichever operation happens to trigger it.
 */
export async function startEnvironment(options: EnvironmentOptions = {}): Promise<BenchEnvironment> {
  const azurite =
    options.storageConnectionString === undefined
      ? await startAzurite({ tablePort: await freePort(), queuePort: await freePort() })
      : undefined;
  const connection = options.storageConnectionString ?? azurite?.tableConnectionString ?? "";
  try {
    const suffix = randomUUID().replace(/-/g, "").slice(0, 12);
    const services = createServices(
      loadConfig({
        ...process.env,
        STORAGE_CONNECTION_STRING: connection,
        RESOURCES_TABLE: `benchres${suffix}`,
        TENANTS_TABLE: `benchten${suffix}`,
        AUTH_CACHE_TTL_SECONDS: "3600",
        KEY_VAULT_URI: "",
        // The bench drives one tenant far above its rate on purpose; the throttle section turns it on.
        THROTTLE_REQUESTS_PER_SECOND: "0",
        THROTTLE_MAX_IN_FLIGHT: "0",
      }),
    );
    await ensureTables(services.tables);
    const requestLog = new Map<string, string>();
    const serverErrors: string[] = [];
    const host = await startLocalHost(0, createRoutes(services), logCollector(requestLog, serverErrors));
    const clients: BenchHttp[] = [];
    return {
      ...(azurite ? { azurite } : {}),
      services,
      host,
      takeRequestLine(correlationId) {
        const line = requestLog.get(correlationId);
        requestLog.delete(correlationId);
        return line === undefined ? undefined : (JSON.parse(line) as RequestLogLine);
      },
      serverErrors,
      async createTenant(prefix) {
        const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
        const token = await services.tenants.create(tenantId);
        const tenantUrl = `${host.origin}/scim/v2/${tenantId}`;
        const http = new BenchHttp(tenantUrl, token);
        clients.push(http);
        return { tenantId, tenantUrl, http, token };
      },
      async close() {
        for (const client of clients) client.close();
        stopBackgroundWork(services);
        await host.close();
        await azurite?.stop();
      },
    };
  } catch (error) {
    await azurite?.stop();
    throw error;
  }
}
