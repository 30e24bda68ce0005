import { QUARANTINE_RULES } from "entra-provisioning-limits";
import { UNSUPPORTED_STATUS } from "../scim/errors";
import {
  isFailure,
  isServerError,
  mergeStats,
  THROTTLED_STATUS,
  type FailureSample,
  type WindowStats,
} from "./stats";

export interface PeriodSummary {
  readonly requests: number;
  /** Every failure, reference failures included (429s and 404s are not failures). */
  readonly failures: number;
  /** Failures that were an unresolvable reference (a group member that is no user or group). */
  readonly referenceFailures: number;
  /** Requests answered 429: Entra retries them later; they fail no event. */
  readonly throttled: number;
  /** Requests answered 501: a feature the connector does not offer was asked for; not failures. */
  readonly unsupported: number;
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

function count(summary: Pick<PeriodSummary, "byStatus">, test: (status: number) => boolean): number {
  return Object.entries(summary.byStatus)
    .filter(([status]) => test(Number(status)))
    .reduce((sum, [, n]) => sum + n, 0);
}

function period(windows: readonly WindowStats[]): PeriodSummary {
  const merged = mergeStats("", windows);
  return {
    requests: merged.requests,
    failures: count(merged, isFailure),
    referenceFailures: merged.referenceFailures ?? 0,
    throttled: count(merged, (status) => status === THROTTLED_STATUS),
    unsupported: count(merged, (status) => status === UNSUPPORTED_STATUS),
    byStatus: merged.byStatus,
    unauthenticated: merged.unauthenticated ?? 0,
  };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const thousands = (n: number) => n.toLocaleString("en-US");

/** The share of events (429s and 501s aside) that failed, reference failures aside. */
function failedShare(day: PeriodSummary): number {
  const events = day.requests - day.throttled - day.unsupported;
  return events === 0 ? 0 : (day.failures - day.referenceFailures) / events;
}

/** Which of the failure rules the period breaks, in words. */
export function brokenQuarantineRules(day: PeriodSummary): string[] {
  // Entra's published rules, shared with the replay's forecast (docs/entra-behaviour.md#quarantine-rules).
  const { minimumFailures, failureShare, maximumFailures, absoluteCap } = QUARANTINE_RULES;
  const counted = day.failures - day.referenceFailures;
  const broken: string[] = [];
  if (counted >= minimumFailures && failedShare(day) > failureShare) {
    broken.push(
      `${percent(failedShare(day))} of the last day's events failed (reference failures aside): above ${percent(failureShare)}.`,
    );
  }
  if (counted > maximumFailures) {
    broken.push(
      `${counted} failures in the last day (reference failures aside): above ${thousands(maximumFailures)}.`,
    );
  }
  if (day.failures > absoluteCap) {
    broken.push(
      `${day.failures} failures in the last day, ${day.referenceFailures} of them reference failures: above the absolute ${thousands(absoluteCap)}.`,
    );
  }
  return broken;
}

function outlookOf(hour: PeriodSummary, day: PeriodSummary): Outlook {
  const reasons: string[] = [];
  let status: Outlook["status"] = "healthy";
  const credential = count(hour, (s) => s === 401 || s === 403);
  if (credential > 0) {
    status = "quarantine likely";
    reasons.push(
      `${credential} credential failures (401/403) in the last hour: Entra quarantines a job at once for these.`,
    );
  }
  const broken = brokenQuarantineRules(day);
  const share = failedShare(day);
  if (broken.length > 0) {
    status = "quarantine likely";
    reasons.push(...broken.map((rule) => `${rule} Entra quarantines the job.`));
  } else if (share > QUARANTINE_RULES.failureShare) {
    if (status === "healthy") status = "at risk";
    reasons.push(
      `${percent(share)} of the last day's events failed; Entra quarantines above ` +
        `${percent(QUARANTINE_RULES.failureShare)} once ${thousands(QUARANTINE_RULES.minimumFailures)} events fail.`,
    );
  }
  if (hour.unauthenticated > 0) {
    reasons.push(
      `${hour.unauthenticated} requests in the last hour had no credential or one this tenant never issued. ` +
        "Anyone can send these, so they do not count toward quarantine; if the tenant's Entra job reports " +
        "401s, its Admin Credentials hold a token that is not this tenant's.",
    );
  }
  const serverErrors = count(hour, isServerError);
  if (serverErrors > 0) {
    if (status === "healthy") status = "at risk";
    reasons.push(
      `${serverErrors} server errors in the last hour: Entra retries them about 40 minutes later.`,
    );
  }
  if (hour.throttled > 0) {
    reasons.push(
      `${hour.throttled} requests throttled (429) in the last hour: Entra pauses and retries them; they are not failures.`,
    );
  }
  if (hour.unsupported > 0) {
    reasons.push(
      `${hour.unsupported} requests in the last hour asked for a feature the connector does not offer (501, ` +
        "e.g. a search across resource types): the client's choice, not failures or server errors.",
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
