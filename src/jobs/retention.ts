import { services } from "../app/services";
import { purgeExpired } from "../diagnostics/retention";

/** Every hour (at minute 5): expire audit records and request counters of every tenant. */
export const RETENTION_SCHEDULE = "0 5 * * * *";

export async function runRetention(): Promise<number> {
  const current = services();
  return purgeExpired(
    current.tenants,
    current.auditLog,
    current.statsStore,
    current.config.AUDIT_RETENTION_DAYS,
    new Date(),
  );
}
