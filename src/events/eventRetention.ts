import type { TenantRegistry } from "../tenants/tenantRegistry";
import type { EventLog } from "./eventLog";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Expires each tenant's events older than the retention; their cursors then answer 410. */
export async function purgeExpiredEvents(
  registry: Pick<TenantRegistry, "list">,
  log: EventLog,
  retentionDays: number,
  now: Date,
): Promise<number> {
  let purged = 0;
  for (const tenant of await registry.list()) {
    // Numbered first, so changes still in the outbox age out with the rest.
    await log.sequence(tenant.tenantId);
    purged += await log.purge(tenant.tenantId, new Date(now.getTime() - retentionDays * DAY_MS));
  }
  return purged;
}
