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
