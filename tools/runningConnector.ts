import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, relative } from "node:path";
import { CliError } from "./cliCommand";
import { DEV_FOLDER } from "./devEnvironment";

/**
 * How the tools find the local connector (`npm run dev`, with or without --in-memory, or `npm start`):
 * it records itself here when it starts and removes the record when it stops cleanly. A record
 * left by a crash or a kill is recognised as stale (its process is gone or its storage port closed).
 */
export const RUNNING_FILE = join(DEV_FOLDER, "running.json");

export interface RunningConnector {
  /** The process that removes the record when it stops. */
  readonly pid: number;
  readonly origin: string;
  readonly storageConnectionString: string;
  readonly inMemory: boolean;
  readonly startedAt: string;
}

/** Records the connector; the function returned removes the record unless another start replaced it. */
export function recordRunningConnector(state: RunningConnector, file = RUNNING_FILE): () => void {
  mkdirSync(dirname(file), { recursive: true });
  // The connection string holds Azurite's well-known key only, but the file stays the user's own.
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return () => {
    if (readRecord(file)?.pid === state.pid) rmSync(file, { force: true });
  };
}

function readRecord(file: string): RunningConnector | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<RunningConnector>;
    if (typeof parsed.pid !== "number" || typeof parsed.storageConnectionString !== "string")
      return undefined;
    return parsed as RunningConnector;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a TCP connection to host:port opens within the timeout. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => {
      done(true);
    });
    socket.once("error", () => {
      done(false);
    });
    socket.once("timeout", () => {
      done(false);
    });
  });
}

/** The Table service address in a connection string (`TableEndpoint=http://127.0.0.1:10002/...`). */
export function tableEndpointOf(connectionString: string): URL | undefined {
  const match = /(?:^|;)TableEndpoint=([^;]+)/i.exec(connectionString);
  try {
    return match?.[1] === undefined ? undefined : new URL(match[1]);
  } catch {
    return undefined;
  }
}

const START_HINT =
  "Start it with 'npm run dev' (or 'npm run dev -- --in-memory'), or set STORAGE_CONNECTION_STRING / STORAGE_TABLE_ENDPOINT to use other storage.";

/** The running local connector, or a noConnector error that says what to do. */
export async function findRunningConnector(file = RUNNING_FILE): Promise<RunningConnector> {
  const shown = relative(process.cwd(), file) || file;
  const record = readRecord(file);
  if (record === undefined) {
    throw new CliError(
      "noConnector",
      `No local connector is running (${existsSync(file) ? `${shown} is unreadable` : `no ${shown}`}) and no storage is configured.`,
      START_HINT,
    );
  }
  const endpoint = tableEndpointOf(record.storageConnectionString);
  const reason = !processAlive(record.pid)
    ? `its process ${record.pid} is gone`
    : endpoint === undefined
      ? "it recorded no storage endpoint"
      : !(await portOpen(endpoint.hostname, Number(endpoint.port)))
        ? `its storage port ${endpoint.port} is closed`
        : undefined;
  if (reason !== undefined) {
    throw new CliError(
      "noConnector",
      `The local connector recorded in ${shown} (${record.origin}) is not running: ${reason} (stale record).`,
      START_HINT,
    );
  }
  return record;
}
