import { runAsScript } from "../packages/entra-replay/src/index";
import type { CliCommand } from "./cliCommand";
import { exitCodeTable, runProgram, type CliOutput, type CliProgram } from "./cliRunner";
import { clientCommand } from "./tenantClientCli";
import { TENANT_COMMANDS } from "./tenantCommands";
import { tenantCliContext, type ContextOptions } from "./tenantContext";
import { DIAGNOSTICS_COMMANDS } from "./tenantDiagnosticsCli";
import { schemaCommand } from "./tenantSchemaCli";
import { trustCommand } from "./tenantTrustCli";
import { appKeyCliCommand } from "./appKeyCli";
import { webhookCliCommand } from "./webhookCli";
import { setupLinkCommand } from "./setupLinkCli";

/**
 * Every word of `npm run tenant`, in the order of the help. A new command is a module of its own
 * exporting a CliCommand (see cliCommand.ts) and one line here.
 */
export const COMMANDS: readonly CliCommand[] = [
  ...TENANT_COMMANDS,
  clientCommand,
  schemaCommand,
  trustCommand,
  ...DIAGNOSTICS_COMMANDS,
  appKeyCliCommand,
  webhookCliCommand,
  setupLinkCommand,
];

const FOOTER = `Options (every command):
  --json                print the result as JSON (an error as {"error":{"class","exitCode","message","fix"}})
  --verbose             with an error, also print the underlying SDK error and stack
  --url <base>          SCIM base URL for the Tenant URLs printed (default: $SCIM_BASE_URL, the running
                        'npm run dev', or http://127.0.0.1:7071/scim/v2)
  --help                this command's help (same as: help <command>)

Storage: $STORAGE_CONNECTION_STRING or $STORAGE_TABLE_ENDPOINT (Azure, your az login), else the running
'npm run dev'. Credentials: in the Key Vault at $KEY_VAULT_URI when set (your az login needs Key Vault
Secrets Officer), else in the tenants table.

Exit codes:
${exitCodeTable()}`;

export const TENANT_PROGRAM: CliProgram = {
  invocation: "npm run tenant --",
  commands: COMMANDS,
  footer: FOOTER,
};

/** Runs one tenant CLI command line; returns its exit code. */
export function main(
  argv: readonly string[],
  context: ContextOptions = {},
  output?: CliOutput,
): Promise<number> {
  return runProgram(TENANT_PROGRAM, argv, (options) => tenantCliContext({ ...context, ...options }), output);
}

runAsScript(module, main);
