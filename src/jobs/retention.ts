import { services } from "../app/services";
import { purgeExpired } from "../diagnostics/retention";
import { purgeExpiredEvents } from "../events/eventRetention";

/** Every hour (at minute 5): expire audit records, request counters and events of every tenant. */
export const RETENTION_SCHEDULE = "0 5 * * * *";

export async function runRetention(): Promise<number> {
  const current = services();
  await purgeExpiredEvents(
    current.tenants,
    current.eventLog,
    current.config.EVENT_RETENTION_DAYS,
    new Date(),
    (tenantId, before) => current.webhooks.purgeDeliveries(tenantId, before),
  );
  return purgeExpired(
    current.tenants,
    current.auditLog,
    current.statsStore,
    current.config.AUDIT_RETENTION_DAYS,
    new Date(),
  );
}
