import type { AppServices } from "../../src/app/composition";
import { main } from "../../tools/tenantCli";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The tenant CLI in this process, over the given services, its output captured. */
export async function runTenantCli(services: AppServices, ...argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    argv,
    { services: () => Promise.resolve(services), url: "http://127.0.0.1:7071/scim/v2" },
    { out: (text) => stdout.push(text), err: (text) => stderr.push(text) },
  );
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

/** The command's output; its one error line as a thrown Error when it fails. */
export async function tenantCliOutput(services: AppServices, ...argv: string[]): Promise<string> {
  const run = await runTenantCli(services, ...argv);
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return run.stdout;
}
