import { fixFor } from "./failureFixes";
import { isFailure, THROTTLED_STATUS, WINDOW_MS, type WindowStats } from "./stats";
import type { Outlook, TenantSummary } from "./summary";

/** Requests of one chart bar, by outcome. */
export interface Bucket {
  readonly start: string;
  readonly total: number;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
}

export type Outcome = "success" | "notFound" | "throttled" | "clientError" | "serverError";

export interface PeriodView {
  readonly total: number;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  readonly buckets: readonly Bucket[];
}

export interface FailureView {
  readonly time: string;
  readonly status: number;
  /** `PATCH /Users/{id}`: the request without its ids or values. */
  readonly request?: string;
  readonly scimType?: string;
  readonly detail?: string;
  /** What the admin can do about it, in plain words. */
  readonly fix: string;
}

export interface StatusView {
  readonly hour: PeriodView;
  readonly day: PeriodView;
  readonly lastSuccess?: string;
  readonly lastFailures: readonly FailureView[];
  readonly outlook: Outlook;
}

const HOUR_MS = 60 * 60 * 1000;
const MAX_FAILURES = 10;

export function outcomeOf(status: number): Outcome {
  if (status === THROTTLED_STATUS) return "throttled";
  if (status === 404) return "notFound";
  if (status >= 500) return "serverError";
  return isFailure(status) ? "clientError" : "success";
}

function emptyOutcomes(): Record<Outcome, number> {
  return { success: 0, notFound: 0, throttled: 0, clientError: 0, serverError: 0 };
}

/** Bars of `bucketMs` from `from` to `now`, each with its windows' requests by outcome. */
function period(windows: readonly WindowStats[], from: number, now: number, bucketMs: number): PeriodView {
  const first = Math.floor(from / bucketMs) * bucketMs;
  const count = Math.ceil((now - first) / bucketMs);
  const buckets = Array.from({ length: count }, (_, index) => ({
    start: first + index * bucketMs,
    total: 0,
    byOutcome: emptyOutcomes(),
  }));
  const total = emptyOutcomes();
  let requests = 0;
  for (const window of windows) {
    const start = Date.parse(window.window);
    if (start < from || start > now) continue;
    const bucket = buckets[Math.floor((start - first) / bucketMs)];
    for (const [status, n] of Object.entries(window.byStatus)) {
      const outcome = outcomeOf(Number(status));
      total[outcome] += n;
      requests += n;
      if (bucket) {
        bucket.byOutcome[outcome] += n;
        bucket.total += n;
      }
    }
  }
  return {
    total: requests,
    byOutcome: total,
    buckets: buckets.map((bucket) => ({ ...bucket, start: new Date(bucket.start).toISOString() })),
  };
}

/**
 * The portal's status page from the windows the summary was made of: 5-minute bars for the hour,
 * hourly bars for the day, each window's last failure with its fix (newest first), and the outlook.
 */
export function statusView(summary: TenantSummary, windows: readonly WindowStats[], now: Date): StatusView {
  const nowMs = now.getTime();
  const failures = windows
    .flatMap((window) => (window.lastFailure ? [window.lastFailure] : []))
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, MAX_FAILURES)
    .map((failure) => ({
      time: failure.time,
      status: failure.status,
      ...(failure.request ? { request: failure.request } : {}),
      ...(failure.scimType ? { scimType: failure.scimType } : {}),
      ...(failure.detail ? { detail: failure.detail } : {}),
      fix: fixFor(failure.status, failure.scimType),
    }));
  return {
    hour: period(windows, nowMs - HOUR_MS, nowMs, WINDOW_MS),
    day: period(windows, nowMs - 24 * HOUR_MS, nowMs, HOUR_MS),
    ...(summary.lastSuccess ? { lastSuccess: summary.lastSuccess } : {}),
    lastFailures: failures,
    outlook: summary.outlook,
  };
}
