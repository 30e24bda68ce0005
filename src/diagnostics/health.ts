export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  readonly status: "ok" | "degraded";
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly durationMs: number }>>;
}

/** Runs every check at once; a failing one makes the report degraded, never an exception. */
export async function healthReport(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      const started = Date.now();
      const ok = await check.check().then(
        () => true,
        () => false,
      );
      return [check.name, { ok, durationMs: Date.now() - started }] as const;
    }),
  );
  return {
    status: results.every(([, result]) => result.ok) ? "ok" : "degraded",
    checks: Object.fromEntries(results),
  };
}

/** How long a health report is served before the checks run again. */
export const HEALTH_CACHE_MS = 10_000;

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
