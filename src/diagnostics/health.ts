export interface HealthCheck {
  readonly name: string;
  /** Reported, but does not make the instance degraded (one customer's issuer being down, say). */
  readonly advisory?: boolean;
  check(): Promise<void>;
}

export interface HealthReport {
  readonly status: "ok" | "degraded";
  readonly checks: Readonly<
    Record<string, { readonly ok: boolean; readonly durationMs: number; readonly detail?: string }>
  >;
}

/** Runs every check at once; a failing one makes the report degraded, never an exception. */
async function healthReport(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      const started = Date.now();
      const failure = await check.check().then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error("failed")),
      );
      const ok = failure === undefined;
      // Only an advisory check's own words are shown: a failed storage call's message is not for /health.
      const detail = check.advisory && failure ? { detail: failure.message } : {};
      return [check.name, { ok, durationMs: Date.now() - started, ...detail }, check.advisory] as const;
    }),
  );
  return {
    status: results.every(([, result, advisory]) => result.ok || advisory) ? "ok" : "degraded",
    checks: Object.fromEntries(results.map(([name, result]) => [name, result])),
  };
}

/** How long a health report is served before the checks run again. */
const HEALTH_CACHE_MS = 10_000;

/**
 * The report /health serves. The endpoint is anonymous, so its checks (a storage read, a credential
 * store read: Key Vault in Azure) run at most once per `cacheMs` per instance, shared by concurrent
 * callers: polling it cannot turn into storage or vault traffic, nor into vault throttling.
 */
export class CachedHealth {
  private latest: { readonly report: Promise<HealthReport>; readonly at: number } | undefined;

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly cacheMs: number = HEALTH_CACHE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  report(): Promise<HealthReport> {
    const now = this.clock();
    if (this.latest === undefined || now - this.latest.at >= this.cacheMs) {
      this.latest = { report: healthReport(this.checks), at: now };
    }
    return this.latest.report;
  }
}
