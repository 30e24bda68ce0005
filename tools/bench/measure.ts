import { BENCH_TAG, type BenchEnvironment } from "./environment";
import { readFileSync } from "node:fs";
import { LAYERS, type BareServer, type LayerName } from "./layers";
import {
  runLoad,
  runSlice,
  summarise,
  type LoadOptions,
  type LoadResult,
  type LoadSlice,
  type Operation,
} from "./load";
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

/** One layer of the stack at the top concurrency (see layers.ts), measured in the same rounds as the others. */
export interface LayerResult {
  readonly layer: LayerName;
  readonly does: string;
  readonly result: LoadResult;
  /** Throughput against the raw Table calls. */
  readonly ratio: number;
  /** Throughput against the raw calls over HTTP (the floor of an HTTP service). */
  readonly overHttp: number;
}

export interface ConcurrencyResult {
  readonly concurrency: number;
  readonly scim: LoadResult;
  readonly raw: LoadResult;
  /** SCIM throughput / raw throughput. */
  readonly ratio: number;
  /** Every layer, at the top concurrency only. */
  readonly layers?: readonly LayerResult[];
}

export interface OperationResult {
  readonly name: string;
  readonly rawDoes: string;
  readonly overHttpTarget?: number;
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
export function processCpuUs(pid: number): number | undefined {
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
function azuriteCpuReader(env: BenchEnvironment): (() => number | undefined) | undefined {
  const pid = env.azurite?.pid;
  return pid === undefined ? undefined : () => processCpuUs(pid);
}

const ratioOf = (side: LoadResult, floor: LoadResult | undefined) =>
  floor && floor.perSecond > 0 ? Math.round((side.perSecond / floor.perSecond) * 100) / 100 : 0;

/**
 * One SCIM operation against its raw floor, at each concurrency: raw and SCIM alternate in rounds,
 * on the same Azurite, so both see the same machine state. At the highest concurrency, with a bare
 * server, the raw calls over HTTP and the service over HTTP join the rounds (the layer table).
 * Round trips come from the endpoint's own per-request log line.
 */
export async function measureOperation(
  env: BenchEnvironment,
  operation: BenchOperation,
  options: MeasureOptions,
  layered?: { readonly bare: BareServer; readonly operations: readonly BenchOperation[] },
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
  const requests =
    options.requests === undefined ? undefined : Math.ceil(options.requests * (operation.requestShare ?? 1));
  const perRound = share(requests);
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
  await operation.prepare?.();
  const bareSide = (layer: "raw" | "service") =>
    layered ? layered.bare.operation(layered.operations, operation, layer) : undefined;
  const sidesAt = (top: boolean, scim: Operation): { layer: LayerName; operation: Operation }[] => {
    const rawOverHttp = top ? bareSide("raw") : undefined;
    const serviceOverHttp = top ? bareSide("service") : undefined;
    return [
      { layer: "raw", operation: operation.raw() },
      ...(rawOverHttp ? [{ layer: "raw over HTTP" as const, operation: rawOverHttp }] : []),
      ...(serviceOverHttp ? [{ layer: "service over HTTP" as const, operation: serviceOverHttp }] : []),
      { layer: "SCIM", operation: scim },
    ];
  };
  const top = Math.max(...options.concurrencies);
  for (const side of sidesAt(true, operation.scim(warmTag)))
    await runLoad({ concurrency: 4, requests: options.warmup }, side.operation);
  const runs: ConcurrencyResult[] = [];
  let first = 0;
  for (const concurrency of options.concurrencies) {
    const sides = sidesAt(concurrency === top, operation.scim(tag));
    const slices: LoadSlice[][] = sides.map(() => []);
    for (let round = 0; round < rounds; round += 1) {
      let longest = 0;
      for (const [index, side] of sides.entries()) {
        const slice = await runSlice(load(concurrency), side.operation, first, azuriteCpu);
        slices[index]?.push(slice);
        longest = Math.max(longest, slice.latencies.length);
      }
      first += longest;
    }
    const results = slices.map((sideSlices) => summarise(concurrency, sideSlices));
    const byLayer = new Map(sides.map((side, index) => [side.layer, results[index] as LoadResult]));
    const raw = byLayer.get("raw") as LoadResult;
    const scim = byLayer.get("SCIM") as LoadResult;
    const overHttp = byLayer.get("raw over HTTP");
    runs.push({
      concurrency,
      raw,
      scim,
      ratio: ratioOf(scim, raw),
      ...(sides.length > 2
        ? {
            layers: sides.map(({ layer }) => {
              const result = byLayer.get(layer) as LoadResult;
              return {
                layer,
                does: LAYERS.find((candidate) => candidate.layer === layer)?.does ?? "",
                result,
                ratio: ratioOf(result, raw),
                overHttp: ratioOf(result, overHttp),
              };
            }),
          }
        : {}),
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
    ...(operation.overHttpTarget === undefined ? {} : { overHttpTarget: operation.overHttpTarget }),
    roundTrips: roundTripStats(counts, operation.roundTrips),
    runs,
  };
}
