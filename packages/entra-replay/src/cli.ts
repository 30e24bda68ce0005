#!/usr/bin/env node
import { runAsScript, runCli, UsageError } from "./commandLine";
import { parseArgs } from "node:util";
import { DEFAULT_TIMEOUT_MS } from "./client";
import { progressLine } from "./progress";
import { DEFAULTS, runReplay, type DialectChoice, type ReplayOptions, type Suite } from "./replay";
import { formatReport, jsonReport } from "./reportText";

export const USAGE = `Usage: entra-scim-replay replay --url <Tenant URL> --token <Secret Token> [options]

Replays Microsoft Entra ID's provisioning traffic against any SCIM endpoint, runs Microsoft's
gallery validation tests, checks every response the way Entra would, and says whether the
endpoint is ready for Entra (see the README of the entra-scim-replay package).

Options:
  --users N          users in the generated population (default ${DEFAULTS.users})
  --groups N         groups (default ${DEFAULTS.groups})
  --concurrency N    objects provisioned in parallel (default ${DEFAULTS.concurrency})
  --rate R           at most R requests per second
  --dialect D        default | aadOptscim062020 | both (default both)
  --suite S          entra (Entra's traffic) | gallery (Microsoft's tests) | all (default)
  --timeout S        seconds to wait for each response (default ${DEFAULT_TIMEOUT_MS / 1000}; Entra waits 60)
  --token-endpoint U the app's OAuth token endpoint, for Validate_Credentials_Test and
                     Federated_Identity_Test (skipped without it)
  --client-id ID     OAuth client id
  --client-secret S  OAuth client secret (Validate_Credentials_Test)
  --client-assertion J  a signed JWT the app trusts (Federated_Identity_Test)
  --keep             leave the created users and groups in place
  --verbose          every check and every request
  --json             the machine-readable report with every check and request
  -h, --help         this text

A progress line is shown on a terminal (stderr). The run stops at once, with one message,
when Test Connection fails or the endpoint does not answer.

Exit code: 0 when ready for Entra, 1 when not, 2 on a usage error.`;

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
        suite: { type: "string" },
        timeout: { type: "string" },
        "token-endpoint": { type: "string" },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        "client-assertion": { type: "string" },
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
  const suite = values.suite ?? DEFAULTS.suite;
  if (!["all", "entra", "gallery"].includes(suite))
    throw new UsageError("--suite must be all, entra or gallery");
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
      throw new UsageError("--timeout must be a number of seconds between 0 and 600");
    timeoutMs = seconds * 1000;
  }
  const oauth = {
    ...(values["token-endpoint"] === undefined ? {} : { tokenEndpoint: values["token-endpoint"] }),
    ...(values["client-id"] === undefined ? {} : { clientId: values["client-id"] }),
    ...(values["client-secret"] === undefined ? {} : { clientSecret: values["client-secret"] }),
    ...(values["client-assertion"] === undefined ? {} : { clientAssertion: values["client-assertion"] }),
  };
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
      suite: suite as Suite,
      oauth,
      ...(rate === undefined ? {} : { rate }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  };
}

/** Runs the CLI and returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, USAGE, parseCommand, async (command) => {
    const progress = progressLine(process.stderr);
    const report = await runReplay({
      ...command.options,
      ...(command.json
        ? {}
        : {
            onProgress: (p) => {
              progress.update(p);
            },
          }),
    });
    progress.done();
    console.log(command.json ? jsonReport(report) : formatReport(report, command.verbose));
    return report.ready ? 0 : 1;
  });
}

runAsScript(module, main);
