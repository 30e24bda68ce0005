#!/usr/bin/env node
import { runAsScript, runCli, UsageError } from "../../packages/entra-replay/src/index";
import { parseArgs } from "node:util";
import { formatBench, targetChecks } from "./report";
import { FULL, QUICK, runBench, SECTIONS, type BenchOptions, type Section } from "./run";

export const USAGE = `Usage: npm run bench -- [options]

Starts Azurite (in memory) and the local host, and measures the SCIM operations Entra sends
against the raw Table Storage calls they need, one tenant's latency beside another's flood,
growth with tenant size, Entra's initial cycle, an Account Discovery walk of a large tenant and
the Functions entry's cold start.

Options:
  --quick            small sizes (CI): 64 requests a measurement, 2,000-user growth, 200-user cycle
  --requests N       timed operations per measurement (default ${FULL.requests})
  --duration MS      time per measurement instead of a request count
  --users N          users in the initial cycle (default ${FULL.cycle.users})
  --groups N         groups in the initial cycle (default ${FULL.cycle.groups})
  --large-users N    users (and group members) of the large growth tenant (default ${FULL.growth.largeUsers})
  --discovery-users N  users of the Account Discovery tenant (default ${FULL.discovery.users})
  --discovery-page N   page size of its walks (default ${FULL.discovery.pageSize}, at most 1000)
  --throttle-seconds N seconds of each throttling slice (default ${FULL.throttle.seconds}; ${FULL.throttle.rounds} rounds alone / flooded)
  --throttle-in-flight N  tenant A's requests working at once (default ${FULL.throttle.limit.maxInFlight})
  --throttle-burst N  requests a tenant may start at once before it is paced (default ${FULL.throttle.limit.burst})
  --only LIST        sections to run, comma-separated: ${SECTIONS.join(",")}
  --profile DIR      after each operation, profile its SCIM requests (V8 sampling profiler, in process),
                     print where the CPU went and write DIR/<operation>.cpuprofile (DevTools opens it)
  --json             print the machine-readable report (progress goes to stderr)
  -h, --help         this text

Exit code: 0 when no request failed and every round-trip count is within target, 1 otherwise
(time-based targets are reported, never enforced), 2 on a usage error.`;

function count(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${name} must be an integer ≥ 1`);
  return Number(raw);
}

export interface CliCommand {
  readonly options: BenchOptions;
  readonly json: boolean;
}

export function parseCommand(argv: readonly string[]): CliCommand | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean" },
        requests: { type: "string" },
        duration: { type: "string" },
        users: { type: "string" },
        groups: { type: "string" },
        "large-users": { type: "string" },
        "discovery-users": { type: "string" },
        "discovery-page": { type: "string" },
        "throttle-seconds": { type: "string" },
        "throttle-in-flight": { type: "string" },
        "throttle-burst": { type: "string" },
        only: { type: "string" },
        profile: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return undefined;
  const base = values.quick ? QUICK : FULL;
  const requests = count("requests", values.requests);
  const duration = count("duration", values.duration);
  if (requests !== undefined && duration !== undefined)
    throw new UsageError("give --requests or --duration, not both");
  const sections = values.only?.split(",").map((section) => section.trim()) ?? [...base.sections];
  const unknown = sections.filter((section) => !SECTIONS.includes(section as Section));
  if (unknown.length > 0) throw new UsageError(`unknown section(s) ${unknown.join(", ")}`);
  const { requests: baseRequests, ...rest } = base;
  return {
    json: values.json ?? false,
    options: {
      ...rest,
      sections: sections as Section[],
      ...(values.profile === undefined ? {} : { profileDirectory: values.profile }),
      ...(duration !== undefined ? { durationMs: duration } : { requests: requests ?? baseRequests ?? 1000 }),
      cycle: {
        ...base.cycle,
        users: count("users", values.users) ?? base.cycle.users,
        groups: count("groups", values.groups) ?? base.cycle.groups,
      },
      growth: {
        ...base.growth,
        largeUsers: count("large-users", values["large-users"]) ?? base.growth.largeUsers,
      },
      discovery: {
        users: count("discovery-users", values["discovery-users"]) ?? base.discovery.users,
        pageSize: Math.min(
          1000,
          count("discovery-page", values["discovery-page"]) ?? base.discovery.pageSize,
        ),
      },
      throttle: {
        ...base.throttle,
        seconds: count("throttle-seconds", values["throttle-seconds"]) ?? base.throttle.seconds,
        limit: {
          ...base.throttle.limit,
          maxInFlight:
            count("throttle-in-flight", values["throttle-in-flight"]) ?? base.throttle.limit.maxInFlight,
          burst: count("throttle-burst", values["throttle-burst"]) ?? base.throttle.limit.burst,
        },
      },
    },
  };
}

export function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, USAGE, parseCommand, async (command) => {
    const started = performance.now();
    const report = await runBench({
      ...command.options,
      log: (line) => {
        console.error(`[${Math.round((performance.now() - started) / 1000)} s] ${line}`);
      },
    });
    const checks = targetChecks(report);
    console.log(command.json ? JSON.stringify({ ...report, targets: checks }, null, 2) : formatBench(report));
    const broken = checks.filter(
      (check) => !check.met && (check.kind === "errors" || check.kind === "roundTrips"),
    );
    return broken.length === 0 ? 0 : 1;
  });
}

runAsScript(module, main);
