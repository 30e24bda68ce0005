import { setTimeout as sleep } from "node:timers/promises";
import { portOpen, startAzurite, tableConnectionString, type RunningAzurite } from "../../../tools/azurite";

/**
 * A real Azurite Table service keeping its files in `location`, that a test can stop the way a
 * storage node restarts and start again on the same port with the same data. Started and stopped by
 * the launcher `npm run dev` and the jest setup use (tools/azurite.ts): its stop is a SIGINT, on
 * which Azurite saves its database before it exits (SIGTERM would drop the last autosave interval).
 */
export class AzuriteProcess {
  private running: RunningAzurite | undefined;

  constructor(
    readonly port: number,
    readonly location: string,
  ) {}

  get connectionString(): string {
    return tableConnectionString(this.port);
  }

  get pid(): number | undefined {
    return this.running?.pid;
  }

  async start(): Promise<void> {
    this.running = await startAzurite({ tablePort: this.port, location: this.location });
  }

  /** Stops Azurite (it saves first), then waits until its port is closed for the next start. */
  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = undefined;
    await this.portClosed();
  }

  private async portClosed(): Promise<void> {
    for (let attempt = 0; attempt < 100 && (await portOpen(this.port)); attempt += 1) await sleep(50);
  }
}
