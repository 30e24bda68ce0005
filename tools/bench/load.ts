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
}

/** One operation: resolves to undefined when it succeeded, or to a description of what went wrong. */
export type Operation = (index: number) => Promise<string | undefined>;

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Runs `operation(0)`, `operation(1)`, … with at most `concurrency` in flight. An operation that
 * returns `"exhausted"` ends its worker without counting (a pool of resources ran out).
 */
export async function runLoad(options: LoadOptions, operation: Operation): Promise<LoadResult> {
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const deadline = performance.now() + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
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
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    count: latencies.length,
    errors,
    errorSamples,
    seconds: round(seconds, 3),
    perSecond: seconds > 0 ? round(latencies.length / seconds, 1) : 0,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
  };
}

export const EXHAUSTED = "exhausted";
