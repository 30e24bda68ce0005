import { BENCH_TAG, type BenchEnvironment } from "./environment";
import { readFileSync } from "node:fs";
import { runLoad, runSlice, summarise, type LoadOptions, type LoadResult, type LoadSlice } from "./load";
import type { BenchOperation, RoundTripTarget } from "./operations";

export interface RoundTripStats {
  /** Requests whose log line was found. */
  readonly requests: number;
  readonly min: number;
  readonly max: number;
  /** The most common count. */
  readonly mode: number;
  readonly target?: RoundTripTarget;
  /** Every request within the target (true when there is no target). */
  readonly ok: boolean;
}

interface ConcurrencyResult {
  readonly concurrency: number;
  readonly scim: LoadResult;
  readonly raw: LoadResult;
  /** SCIM throughput / raw throughput. */
  readonly ratio: number;
}

export interface OperationResult {
  readonly name: string;
  readonly rawDoes: string;
  readonly throughputTarget?: number;
  readonly roundTrips: RoundTripStats;
  readonly runs: readonly ConcurrencyResult[];
}

export function roundTripStats(counts: readonly number[], target?: RoundTripTarget): RoundTripStats {
  const frequency = new Map<number, number>();
  for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
  const mode = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  const min = counts.length > 0 ? Math.min(...counts) : 0;
  const max = counts.length > 0 ? Math.max(...counts) : 0;
  const within =
    target === undefined ||
    counts.every(
      (count) =>
        (target.exact === undefined || count === target.exact) &&
        (target.max === undefined || count <= target.max),
    );
  return {
    requests: counts.length,
    min,
    max,
    mode,
    ...(target ? { target } : {}),
    ok: within && counts.length > 0,
  };
}

export interface MeasureOptions {
  readonly concurrencies: readonly number[];
  readonly requests?: number;
  readonly durationMs?: number;
  /** Untimed operations before each measurement (JIT, connection pools). */
  readonly warmup: number;
  /** Raw and SCIM alternate this many times, each slice a share of the requests (noise hits both alike). */
  readonly rounds: number;
}

/** CPU time (user + system) of a process in µs, from /proc on Linux; undefined elsewhere. */
function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10_000 : undefined;
  } catch {
    return undefined;
  }
}

let tagSeq = 0;

/** Reads the CPU time of the bench's own Azurite, when it started one. */
export function azuriteCpuReader(env: BenchEnvironment): (() => number | undefined) | undefined {
  const pid = env.azurite?.pid;
  return pid === undefined ? undefined : () => processCpuUs(pid);
}

/**
 * One SCIM operation against its raw floor, at each concurrency: raw first, then SCIM, back to
 * back on the same Azurite, so both see the same machine state. Round trips come from the
 * endpoint's own per-request log line.
 */
export async function measureOperation(
  env: BenchEnvironment,
  operation: BenchOperation,
  options: MeasureOptions,
): Promise<OperationResult> {
  const prefix = `${BENCH_TAG}${(tagSeq += 1)}`;
  const tags: string[] = [];
  const tag = (index: number) => {
    const value = `${prefix}-${tags.length}-${index}`;
    tags.push(value);
    return value;
  };
  const rounds = Math.max(1, options.rounds);
  const share = (total: number | undefined) => (total === undefined ? undefined : Math.ceil(total / rounds));
  const perRound = share(options.requests);
  const durationMs = share(options.durationMs);
  const load = (concurrency: number): LoadOptions => ({
    concurrency,
    ...(perRound === undefined ? {} : { requests: perRound }),
    ...(durationMs === undefined ? {} : { durationMs }),
  });
  const azuriteCpu = azuriteCpuReader(env);
  const warmTags: string[] = [];
  const warmTag = (index: number) => {
    const value = `${prefix}-warm-${index}`;
    warmTags.push(value);
    return value;
  };
  await runLoad({ concurrency: 4, requests: options.warmup }, operation.raw());
  await runLoad({ concurrency: 4, requests: options.warmup }, operation.scim(warmTag));
  const runs: ConcurrencyResult[] = [];
  let first = 0;
  for (const concurrency of options.concurrencies) {
    const raw: LoadSlice[] = [];
    const scim: LoadSlice[] = [];
    const rawOperation = operation.raw();
    const scimOperation = operation.scim(tag);
    for (let round = 0; round < rounds; round += 1) {
      raw.push(await runSlice(load(concurrency), rawOperation, first, azuriteCpu));
      scim.push(await runSlice(load(concurrency), scimOperation, first, azuriteCpu));
      first += Math.max(raw.at(-1)?.latencies.length ?? 0, scim.at(-1)?.latencies.length ?? 0);
    }
    const rawResult = summarise(concurrency, raw);
    const scimResult = summarise(concurrency, scim);
    runs.push({
      concurrency,
      raw: rawResult,
      scim: scimResult,
      ratio:
        rawResult.perSecond > 0 ? Math.round((scimResult.perSecond / rawResult.perSecond) * 100) / 100 : 0,
    });
  }
  const counts = tags.flatMap((value) => {
    const line = env.takeRequestLine(value);
    return line ? [line.storageRoundTrips] : [];
  });
  for (const value of warmTags) env.takeRequestLine(value);
  return {
    name: operation.name,
    rawDoes: operation.rawDoes,
    ...(operation.throughputTarget === undefined ? {} : { throughputTarget: operation.throughputTarget }),
    roundTrips: roundTripStats(counts, operation.roundTrips),
    runs,
  };
}
