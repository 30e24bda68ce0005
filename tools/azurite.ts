import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  readonly tablePort: number;
  /** Folder for Azurite's files; omit to keep everything in memory. */
  readonly location?: string;
  /** Also start the blob and queue services (the Functions host needs blob storage). */
  readonly blobPort?: number;
  readonly queuePort?: number;
}

export interface RunningAzurite {
  readonly pid: number;
  /** The Table endpoint, and the Queue endpoint when the queue service runs. */
  readonly tableConnectionString: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function tableConnectionString(port: number, queuePort?: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};` +
    (queuePort === undefined ? "" : `QueueEndpoint=http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT};`)
  );
}

function queuePortOf(options: AzuriteOptions): number | undefined {
  return options.queuePort ?? (options.blobPort === undefined ? undefined : options.blobPort + 1);
}

function azuriteArgs(options: AzuriteOptions): { script: string; args: string[] } {
  const common = ["--disableTelemetry", "--skipApiVersionCheck", "--loose"];
  const persistence = options.location ? ["--location", options.location] : ["--inMemoryPersistence"];
  if (options.blobPort === undefined && options.queuePort === undefined) {
    return {
      script: require.resolve("azurite/dist/src/table/main.js"),
      args: ["--tableHost", "127.0.0.1", "--tablePort", String(options.tablePort), ...persistence, ...common],
    };
  }
  return {
    script: require.resolve("azurite/dist/src/azurite.js"),
    args: [
      ...["--tableHost", "127.0.0.1", "--tablePort", String(options.tablePort)],
      // Table and queue only: the blob service still starts (one binary), on a port of the OS's choosing.
      ...["--blobHost", "127.0.0.1", "--blobPort", String(options.blobPort ?? 0)],
      ...["--queueHost", "127.0.0.1", "--queuePort", String(queuePortOf(options))],
      ...persistence,
      ...common,
    ],
  };
}

/** Whether something accepts connections on the port (127.0.0.1). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}`);
    if (await portOpen(port)) return;
    await sleep(100);
  }
  throw new Error(`Azurite did not listen on port ${port} within ${timeoutMs} ms`);
}

/** Starts Azurite from the npm package as a child process and waits until its Table (and Queue) service listens. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const { script, args } = azuriteArgs(options);
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error("Azurite did not start");
  const queuePort = queuePortOf(options);
  try {
    await waitForPort(options.tablePort, child, 30_000);
    if (queuePort !== undefined) await waitForPort(queuePort, child, 30_000);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    pid,
    child,
    tableConnectionString: tableConnectionString(options.tablePort, queuePort),
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => {
      resolve();
    });
    // SIGINT: Azurite's Table service saves its data on SIGINT, not on SIGTERM.
    child.kill("SIGINT");
  });
}
