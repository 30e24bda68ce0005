import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { tableConnectionString } from "../../../tools/azurite";

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * A real Azurite Table service keeping its files in `location`, that a test can stop the way a
 * storage node restarts (SIGINT: Azurite saves its database and closes; SIGTERM would drop the
 * writes of the last autosave interval) and start again on the same port with the same data.
 */
export class AzuriteProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    readonly location: string,
  ) {}

  get connectionString(): string {
    return tableConnectionString(this.port);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const script = require.resolve("azurite/dist/src/table/main.js");
    const args = ["--tableHost", "127.0.0.1", "--tablePort", String(this.port), "--location", this.location];
    const child = spawn(
      process.execPath,
      [script, ...args, "--disableTelemetry", "--skipApiVersionCheck", "--loose"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    this.child = child;
    await this.output(child, /successfully started/, 30_000);
  }

  /** SIGINT, then waits for Azurite to report its database closed, then ends the process. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const closed = this.output(child, /successfully closed/, 15_000).catch(() => undefined);
    child.kill("SIGINT");
    await closed;
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        resolve();
      }),
    );
    if (!hasExited(child)) child.kill("SIGTERM");
    await exited;
    this.child = undefined;
    await this.portClosed();
  }

  private output(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => {
        reject(new Error(`Azurite did not print ${pattern} in ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        text += chunk.toString("utf8");
        if (pattern.test(text)) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", () => {
        clearTimeout(timer);
        if (pattern.test(text)) resolve();
        else reject(new Error(`Azurite exited before printing ${pattern}`));
      });
    });
  }

  private async portClosed(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => {
          resolve(false);
        });
      });
      if (!open) return;
      await sleep(50);
    }
  }
}
