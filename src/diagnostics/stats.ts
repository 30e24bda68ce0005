/** What one instance counted for one tenant in one 5-minute window. */
export interface WindowStats {
  /** ISO time of the window's start. */
  readonly window: string;
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly lastSuccess?: string;
  readonly lastFailure?: FailureSample;
}

export interface FailureSample {
  readonly time: string;
  readonly status: number;
  readonly scimType?: string;
  readonly detail?: string;
}

export const WINDOW_MS = 5 * 60 * 1000;

export function windowOf(time: Date): string {
  return new Date(Math.floor(time.getTime() / WINDOW_MS) * WINDOW_MS).toISOString();
}

/** 304 and 404 are answers, not failures (a 404 for a deleted user is what Entra expects). */
export function isFailure(status: number): boolean {
  return status >= 400 && status !== 404;
}

export function addRequest(stats: WindowStats, status: number, sample: FailureSample): WindowStats {
  const key = String(status);
  return {
    ...stats,
    requests: stats.requests + 1,
    byStatus: { ...stats.byStatus, [key]: (stats.byStatus[key] ?? 0) + 1 },
    ...(isFailure(status) ? { lastFailure: sample } : { lastSuccess: sample.time }),
  };
}

function later<T extends { time: string } | string>(
  left: T | undefined,
  right: T | undefined,
): T | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  const time = (value: T) => (typeof value === "string" ? value : value.time);
  return time(left) >= time(right) ? left : right;
}

export function mergeStats(window: string, all: readonly WindowStats[]): WindowStats {
  const byStatus: Record<string, number> = {};
  let requests = 0;
  let lastSuccess: string | undefined;
  let lastFailure: FailureSample | undefined;
  for (const stats of all) {
    requests += stats.requests;
    for (const [status, count] of Object.entries(stats.byStatus))
      byStatus[status] = (byStatus[status] ?? 0) + count;
    lastSuccess = later(lastSuccess, stats.lastSuccess);
    lastFailure = later(lastFailure, stats.lastFailure);
  }
  return {
    window,
    requests,
    byStatus,
    ...(lastSuccess ? { lastSuccess } : {}),
    ...(lastFailure ? { lastFailure } : {}),
  };
}
