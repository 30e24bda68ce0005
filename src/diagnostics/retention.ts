import type { AuditLog } from "../service/auditLog";
import type { TenantRegistry } from "../tenants/tenantRegistry";
import type { StatsStore } from "./requestStats";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Request counters serve a 24-hour summary; keep two days. */
const STATS_RETENTION_DAYS = 2;

/**
 * Expires audit records and request counters of every tenant: one range delete of exactly the
 * expired rows per tenant, run by a timer (Azure) or the dev host, never on the request path.
 */
export async function purgeExpired(
  registry: Pick<TenantRegistry, "list">,
  audit: AuditLog,
  stats: StatsStore,
  retentionDays: number,
  now: Date,
): Promise<number> {
  let purged = 0;
  for (const tenant of await registry.list()) {
    purged += await audit.purge(tenant.tenantId, new Date(now.getTime() - retentionDays * DAY_MS));
    await stats.purge(tenant.tenantId, new Date(now.getTime() - STATS_RETENTION_DAYS * DAY_MS));
  }
  return purged;
}
