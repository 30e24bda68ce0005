import { isFailure, mergeStats, type FailureSample, type WindowStats } from "./stats";

export interface PeriodSummary {
  readonly requests: number;
  readonly failures: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** 401s to requests with no credential or one the tenant never issued: not in the figures above. */
  readonly unauthenticated: number;
}

export interface TenantSummary {
  readonly tenantId: string;
  readonly lastHour: PeriodSummary;
  readonly lastDay: PeriodSummary;
  readonly lastSuccess?: string;
  readonly lastFailure?: FailureSample;
  readonly outlook: Outlook;
}

/** Whether an Entra job talking to this tenant is heading for quarantine (docs/entra-behaviour.md#quarantine-rules). */
export interface Outlook {
  readonly status: "healthy" | "at risk" | "quarantine likely";
  readonly reasons: readonly string[];
}

const HOUR_MS = 60 * 60 * 1000;
const QUARANTINE_SHARE = 0.4;
const QUARANTINE_MIN_FAILURES = 5000;
const QUARANTINE_FAILURES = 40_000;

function period(windows: readonly WindowStats[]): PeriodSummary {
  const merged = mergeStats("", windows);
  const failures = Object.entries(merged.byStatus)
    .filter(([status]) => isFailure(Number(status)))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: merged.requests,
    failures,
    byStatus: merged.byStatus,
    unauthenticated: merged.unauthenticated ?? 0,
  };
}

function count(summary: PeriodSummary, test: (status: number) => boolean): number {
  return Object.entries(summary.byStatus)
    .filter(([status]) => test(Number(status)))
    .reduce((sum, [, n]) => sum + n, 0);
}

export function outlookOf(hour: PeriodSummary, day: PeriodSummary): Outlook {
  const reasons: string[] = [];
  let status: Outlook["status"] = "healthy";
  const credential = count(hour, (s) => s === 401 || s === 403);
  if (credential > 0) {
    status = "quarantine likely";
    reasons.push(
      `${credential} credential failures (401/403) in the last hour: Entra quarantines a job at once for these.`,
    );
  }
  const share = day.requests === 0 ? 0 : day.failures / day.requests;
  if (
    day.failures > QUARANTINE_FAILURES ||
    (share > QUARANTINE_SHARE && day.failures >= QUARANTINE_MIN_FAILURES)
  ) {
    status = "quarantine likely";
    reasons.push(
      `${day.failures} failures (${Math.round(share * 100)}%) in the last day exceed Entra's quarantine thresholds.`,
    );
  } else if (share > QUARANTINE_SHARE) {
    if (status === "healthy") status = "at risk";
    reasons.push(
      `${Math.round(share * 100)}% of the last day's requests failed; Entra quarantines above 40% once 5,000 events fail.`,
    );
  }
  if (hour.unauthenticated > 0) {
    reasons.push(
      `${hour.unauthenticated} requests in the last hour had no credential or one this tenant never issued. ` +
        "Anyone can send these, so they do not count toward quarantine; if the tenant's Entra job reports " +
        "401s, its Admin Credentials hold a token that is not this tenant's.",
    );
  }
  const serverErrors = count(hour, (s) => s >= 500);
  if (serverErrors > 0) {
    if (status === "healthy") status = "at risk";
    reasons.push(
      `${serverErrors} server errors in the last hour: Entra retries them about 40 minutes later.`,
    );
  }
  return { status, reasons };
}

/** Sums the windows of the last hour and day into what an operator needs at a glance. */
export function summarise(tenantId: string, windows: readonly WindowStats[], now: Date): TenantSummary {
  const hourAgo = new Date(now.getTime() - HOUR_MS).toISOString();
  const dayAgo = new Date(now.getTime() - 24 * HOUR_MS).toISOString();
  const lastDayWindows = windows.filter((stats) => stats.window >= dayAgo);
  const lastHour = period(lastDayWindows.filter((stats) => stats.window >= hourAgo));
  const lastDay = period(lastDayWindows);
  const merged = mergeStats("", lastDayWindows);
  return {
    tenantId,
    lastHour,
    lastDay,
    ...(merged.lastSuccess ? { lastSuccess: merged.lastSuccess } : {}),
    ...(merged.lastFailure ? { lastFailure: merged.lastFailure } : {}),
    outlook: outlookOf(lastHour, lastDay),
  };
}
