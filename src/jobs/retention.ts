import type { AppServices } from "../app/composition";
import { purgeExpired } from "../diagnostics/retention";
import { purgeExpiredEvents } from "../events/eventRetention";

/**
 * Every hour (at minute 5): expire audit records, request counters and events of every tenant, and
 * its portal sessions that can no longer be used and setup links that expired that long ago.
 */
export const RETENTION_SCHEDULE = "0 5 * * * *";

export async function runRetention(services: AppServices): Promise<number> {
  await purgeExpiredEvents(
    services.tenants,
    services.eventLog,
    services.config.EVENT_RETENTION_DAYS,
    new Date(),
    (tenantId, before) => services.webhooks.purgeDeliveries(tenantId, before),
  );
  for (const tenant of await services.tenants.list()) {
    await services.portalSessions.purge(tenant.tenantId);
    await services.setupLinks.purge(tenant.tenantId, services.config.AUDIT_RETENTION_DAYS);
  }
  return purgeExpired(
    services.tenants,
    services.auditLog,
    services.statsStore,
    services.config.AUDIT_RETENTION_DAYS,
    new Date(),
  );
}
