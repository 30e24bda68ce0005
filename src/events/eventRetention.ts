import type { EventLog } from "./eventLog";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Expires each tenant's events older than the retention (their cursors then answer 410), and with
 * them the webhook delivery-log entries of the same age.
 */
export async function purgeExpiredEvents(
  registry: { list(): Promise<readonly { readonly tenantId: string }[]> },
  log: EventLog,
  retentionDays: number,
  now: Date,
  purgeDeliveries: (tenantId: string, before: Date) => Promise<number> = () => Promise.resolve(0),
): Promise<number> {
  let purged = 0;
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  for (const tenant of await registry.list()) {
    // Numbered first, so changes still in the outbox age out with the rest.
    await log.sequence(tenant.tenantId);
    purged += await log.purge(tenant.tenantId, before);
    await purgeDeliveries(tenant.tenantId, before);
  }
  return purged;
}
