import type { Progress } from "./replay";

/** What a terminal needs: `isTTY`, `columns` and `write` (process.stderr). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export function progressText(progress: Progress): string {
  const failures = `${progress.failures} failed check${progress.failures === 1 ? "" : "s"}`;
  return `${progress.requests} requests, ${failures}, ${(progress.elapsedMs / 1000).toFixed(1)} s — ${progress.step}`;
}

/**
 * One line rewritten in place on a terminal (requests done, failures so far, elapsed, step);
 * nothing at all when the stream is not a terminal, so piped output stays clean.
 */
export function progressLine(stream: ProgressStream, minIntervalMs = 100) {
  let last = -Infinity;
  let shown = false;
  return {
    update(progress: Progress): void {
      if (stream.isTTY !== true || progress.elapsedMs - last < minIntervalMs) return;
      last = progress.elapsedMs;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r${progressText(progress).slice(0, width).padEnd(width)}`);
      shown = true;
    },
    /** Clears the line before the report is printed. */
    done(): void {
      if (shown) stream.write(`\r${" ".repeat(Math.max(20, (stream.columns ?? 80) - 1))}\r`);
      shown = false;
    },
  };
}
