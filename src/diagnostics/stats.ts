import { UNSUPPORTED_STATUS } from "../scim/errors";

/** What one instance counted for one tenant in one 5-minute window. */
export interface WindowStats {
  /** ISO time of the window's start. */
  readonly window: string;
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /**
   * Requests with no credential or one the tenant never issued (401s anyone can send): counted here,
   * not in `requests` or `byStatus`, so they never weigh on the tenant's outlook. Absent: none.
   */
  readonly unauthenticated?: number;
  /** Failures that were an unresolvable reference (a group member that is no user or group). */
  readonly referenceFailures?: number;
  readonly lastSuccess?: string;
  readonly lastFailure?: FailureSample;
  /** When each credential (`token:<id>`, `client:<id>`) last made a request in the window. Absent: none. */
  readonly lastUsed?: Readonly<Record<string, string>>;
}

export interface FailureSample {
  readonly time: string;
  readonly status: number;
  /** The request's method and resource path without ids, e.g. `PATCH /Users/{id}`. */
  readonly request?: string;
  readonly scimType?: string;
  readonly detail?: string;
  /** An unresolvable reference: Entra counts it apart from other failures. */
  readonly reference?: boolean;
}

export const WINDOW_MS = 5 * 60 * 1000;

export function windowStart(timeMs: number): number {
  return Math.floor(timeMs / WINDOW_MS) * WINDOW_MS;
}

/** 429: the target asked Entra to slow down; Entra retries those requests and fails no event. */
export const THROTTLED_STATUS = 429;

/**
 * 304 and 404 are answers, not failures (a 404 for a deleted user is what Entra expects); a 429 is
 * a pause, not a failure; a 501 says the client asked for a feature the connector does not offer.
 */
export function isFailure(status: number): boolean {
  return status >= 400 && status !== 404 && status !== THROTTLED_STATUS && status !== UNSUPPORTED_STATUS;
}

/** A 5xx that is the service's fault (a 501 is the client's choice of feature). */
export function isServerError(status: number): boolean {
  return status >= 500 && status !== UNSUPPORTED_STATUS;
}

/**
 * A window still being counted. It is updated in place and keeps times as numbers, because it is
 * touched by every request and written only every 30 s.
 */
export interface OpenWindow {
  readonly startMs: number;
  requests: number;
  readonly byStatus: Record<string, number>;
  unauthenticated: number;
  referenceFailures: number;
  lastSuccessMs?: number;
  lastFailure?: Omit<FailureSample, "time"> & { readonly timeMs: number };
  /** By credential id: a tenant has a handful, and only authenticated requests add one. */
  lastUsedMs?: Map<string, number>;
}

export function openWindow(startMs: number): OpenWindow {
  return { startMs, requests: 0, byStatus: {}, unauthenticated: 0, referenceFailures: 0 };
}

export function countRequest(
  open: OpenWindow,
  status: number,
  timeMs: number,
  failure: Omit<FailureSample, "time" | "status"> = {},
  credentialId?: string,
): void {
  const key = String(status);
  open.requests += 1;
  if (credentialId !== undefined) (open.lastUsedMs ??= new Map()).set(credentialId, timeMs);
  open.byStatus[key] = (open.byStatus[key] ?? 0) + 1;
  if (isFailure(status)) {
    open.lastFailure = { ...failure, status, timeMs };
    if (failure.reference === true) open.referenceFailures += 1;
  } else if (status !== THROTTLED_STATUS && status !== UNSUPPORTED_STATUS) open.lastSuccessMs = timeMs;
}

type OpenFailure = NonNullable<OpenWindow["lastFailure"]>;

function isoTime(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

function failureSample({ timeMs, ...failure }: OpenFailure): FailureSample {
  return { ...failure, time: isoTime(timeMs) };
}

/** What an open window has counted so far, as it is written and summarised. */
export function windowStats(open: OpenWindow): WindowStats {
  const failure = open.lastFailure;
  return {
    window: isoTime(open.startMs),
    requests: open.requests,
    byStatus: { ...open.byStatus },
    ...(open.unauthenticated === 0 ? {} : { unauthenticated: open.unauthenticated }),
    ...(open.referenceFailures > 0 ? { referenceFailures: open.referenceFailures } : {}),
    ...(open.lastSuccessMs === undefined ? {} : { lastSuccess: isoTime(open.lastSuccessMs) }),
    ...(failure === undefined ? {} : { lastFailure: failureSample(failure) }),
    ...(open.lastUsedMs === undefined
      ? {}
      : {
          lastUsed: Object.fromEntries(
            [...open.lastUsedMs].map(([credentialId, timeMs]) => [credentialId, isoTime(timeMs)]),
          ),
        }),
  };
}

/** When each credential last made a request, over all the windows given. */
export function lastUsedByCredential(windows: readonly WindowStats[]): Map<string, string> {
  const latest = new Map<string, string>();
  for (const window of windows) {
    for (const [credentialId, time] of Object.entries(window.lastUsed ?? {})) {
      if ((latest.get(credentialId) ?? "") < time) latest.set(credentialId, time);
    }
  }
  return latest;
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
  let unauthenticated = 0;
  let referenceFailures = 0;
  let lastSuccess: string | undefined;
  let lastFailure: FailureSample | undefined;
  for (const stats of all) {
    requests += stats.requests;
    unauthenticated += stats.unauthenticated ?? 0;
    referenceFailures += stats.referenceFailures ?? 0;
    for (const [status, count] of Object.entries(stats.byStatus))
      byStatus[status] = (byStatus[status] ?? 0) + count;
    lastSuccess = later(lastSuccess, stats.lastSuccess);
    lastFailure = later(lastFailure, stats.lastFailure);
  }
  return {
    window,
    requests,
    byStatus,
    ...(unauthenticated === 0 ? {} : { unauthenticated }),
    ...(referenceFailures > 0 ? { referenceFailures } : {}),
    ...(lastSuccess ? { lastSuccess } : {}),
    ...(lastFailure ? { lastFailure } : {}),
  };
}
