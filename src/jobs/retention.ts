import type { AppServices } from "../app/composition";
import { purgeExpired } from "../diagnostics/retention";
import { purgeExpiredEvents } from "../events/eventRetention";

/** Every hour (at minute 5): expire audit records, request counters and events of every tenant. */
export const RETENTION_SCHEDULE = "0 5 * * * *";

export async function runRetention(services: AppServices): Promise<number> {
  await purgeExpiredEvents(
    services.tenants,
    services.eventLog,
    services.config.EVENT_RETENTION_DAYS,
    new Date(),
    (tenantId, before) => services.webhooks.purgeDeliveries(tenantId, before),
  );
  return purgeExpired(
    services.tenants,
    services.auditLog,
    services.statsStore,
    services.config.AUDIT_RETENTION_DAYS,
    new Date(),
  );
}
