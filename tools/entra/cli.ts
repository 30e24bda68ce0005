#!/usr/bin/env node
import { runAsScript, runCli, UsageError } from "../cli";
import { parseArgs } from "node:util";
import { formatReport, jsonReport } from "./report";
import { DEFAULTS, runReplay, type DialectChoice, type ReplayOptions } from "./replay";

export const USAGE = `Usage: entra-scim-replay replay --url <Tenant URL> --token <Secret Token> [options]

Replays Microsoft Entra ID's provisioning traffic against a SCIM endpoint and checks every
response the way Entra would.

Options:
  --users N          users in the generated population (default ${DEFAULTS.users})
  --groups N         groups (default ${DEFAULTS.groups})
  --concurrency N    objects provisioned in parallel (default ${DEFAULTS.concurrency})
  --rate R           at most R requests per second
  --dialect D        default | aadOptscim062020 | both (default both)
  --keep             leave the created users and groups in place
  --verbose          list the passed checks too
  --json             print the machine-readable report
  -h, --help         this text

Exit code: 0 when every check passed, 1 when any failed, 2 on a usage error.`;

export interface CliCommand {
  readonly options: ReplayOptions;
  readonly json: boolean;
  readonly verbose: boolean;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return Number(raw);
}

/** Parses `replay --url … --token …`; undefined means help was asked for. */
export function parseCommand(argv: readonly string[]): CliCommand | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        users: { type: "string" },
        groups: { type: "string" },
        concurrency: { type: "string" },
        rate: { type: "string" },
        dialect: { type: "string" },
        keep: { type: "boolean" },
        json: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1 || positionals[0] !== "replay")
    throw new UsageError(`expected the command 'replay', got '${positionals.join(" ")}'`);
  if (values.url === undefined || values.token === undefined)
    throw new UsageError("--url and --token are required");
  try {
    new URL(values.url);
  } catch {
    throw new UsageError(`--url is not a URL: ${values.url}`);
  }
  const dialect = values.dialect ?? "both";
  if (!["default", "aadOptscim062020", "both"].includes(dialect))
    throw new UsageError("--dialect must be default, aadOptscim062020 or both");
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!Number.isFinite(rate) || rate <= 0) throw new UsageError("--rate must be a positive number");
  }
  return {
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    options: {
      url: values.url,
      token: values.token,
      users: positiveInteger("users", values.users, DEFAULTS.users),
      groups: positiveInteger("groups", values.groups, DEFAULTS.groups, 0),
      concurrency: positiveInteger("concurrency", values.concurrency, DEFAULTS.concurrency),
      dialect: dialect as DialectChoice,
      keep: values.keep ?? false,
      ...(rate === undefined ? {} : { rate }),
    },
  };
}

/** Runs the CLI and returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, USAGE, parseCommand, async (command) => {
    const report = await runReplay(command.options);
    console.log(command.json ? jsonReport(report) : formatReport(report, command.verbose));
    return report.failed === 0 ? 0 : 1;
  });
}

runAsScript(module, main);
