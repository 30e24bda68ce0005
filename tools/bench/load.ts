/** Closed-loop load: `concurrency` workers, each starting its next operation when the last ends. */

export interface LoadOptions {
  readonly concurrency: number;
  /** Stop after this many operations (across all workers)… */
  readonly requests?: number;
  /** …or after this long, whichever comes first. */
  readonly durationMs?: number;
}

export interface LoadResult {
  readonly concurrency: number;
  readonly count: number;
  readonly errors: number;
  /** The first few error descriptions, to say what failed. */
  readonly errorSamples: readonly string[];
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of this process (client, host and SDK) per operation, in µs: wall-clock free. */
  readonly processCpuUsPerOp?: number;
  /** CPU time of the Azurite process per operation, in µs, when it can be read (Linux /proc). */
  readonly azuriteCpuUsPerOp?: number;
}

/** What one slice of load measured, before it is summarised together with other slices. */
export interface LoadSlice {
  readonly latencies: number[];
  readonly errors: number;
  readonly errorSamples: string[];
  readonly seconds: number;
  readonly processCpuUs: number;
  readonly azuriteCpuUs?: number;
}

/** One operation: resolves to undefined when it succeeded, or to a description of what went wrong. */
export type Operation = (index: number) => Promise<string | undefined>;

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Runs `operation(first)`, `operation(first + 1)`, … with at most `concurrency` in flight. An
 * operation that returns `"exhausted"` ends its worker without counting (a pool ran out).
 * `externalCpuUs` reads another process's CPU time (Azurite's), to charge it per operation.
 */
export async function runSlice(
  options: LoadOptions,
  operation: Operation,
  first = 0,
  externalCpuUs?: () => number | undefined,
): Promise<LoadSlice> {
  const limit = first + (options.requests ?? Number.POSITIVE_INFINITY);
  const deadline = performance.now() + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = first;
  const externalBefore = externalCpuUs?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < limit && performance.now() < deadline) {
      const index = next;
      next += 1;
      const begin = performance.now();
      let failure: string | undefined;
      try {
        failure = await operation(index);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      if (failure === EXHAUSTED) return;
      latencies.push(performance.now() - begin);
      if (failure !== undefined) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(failure);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const externalAfter = externalCpuUs?.();
  return {
    latencies,
    errors,
    errorSamples,
    seconds,
    processCpuUs: cpu.user + cpu.system,
    ...(externalBefore !== undefined && externalAfter !== undefined
      ? { azuriteCpuUs: externalAfter - externalBefore }
      : {}),
  };
}

/** Throughput over the slices' summed time, percentiles over all their latencies. */
export function summarise(concurrency: number, slices: readonly LoadSlice[]): LoadResult {
  const latencies = slices.flatMap((slice) => slice.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((sum, slice) => sum + slice.seconds, 0);
  const count = latencies.length;
  const perOp = (total: number) => (count > 0 ? Math.round(total / count) : 0);
  const azurite = slices.every((slice) => slice.azuriteCpuUs !== undefined)
    ? { azuriteCpuUsPerOp: perOp(slices.reduce((sum, slice) => sum + (slice.azuriteCpuUs ?? 0), 0)) }
    : {};
  return {
    concurrency,
    count,
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    errorSamples: slices.flatMap((slice) => slice.errorSamples).slice(0, 5),
    seconds: round(seconds, 3),
    perSecond: seconds > 0 ? round(count / seconds, 1) : 0,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    processCpuUsPerOp: perOp(slices.reduce((sum, slice) => sum + slice.processCpuUs, 0)),
    ...azurite,
  };
}

export async function runLoad(options: LoadOptions, operation: Operation): Promise<LoadResult> {
  return summarise(options.concurrency, [await runSlice(options, operation)]);
}

export const EXHAUSTED = "exhausted";
