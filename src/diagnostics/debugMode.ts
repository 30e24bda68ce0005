import { RefreshingCache } from "../lib/refreshingCache";
import type { TenantRegistry } from "../tenants/tenantRegistry";

/** The shortest time a tenant's debug flag is cached: a change shows within the longer of this and the registry's TTL. */
const MIN_CACHE_MS = 30_000;

/**
 * Whether a tenant's bodies are being logged: an operator turns it on for a while
 * (`npm run tenant -- debug <tenant> --minutes 30`) and it switches itself off when the time ends.
 * Read through a cache, so a request costs no registry read.
 */
export class DebugMode {
  private readonly cache: RefreshingCache<{ until: number }>;

  private readonly cacheMs: number;

  /** `registryTtlMs`: how long the tenant registry's other reads are cached (AUTH_CACHE_TTL_SECONDS). */
  constructor(
    registry: TenantRegistry,
    private readonly clock: () => number = Date.now,
    registryTtlMs = 0,
  ) {
    this.cacheMs = Math.max(MIN_CACHE_MS, registryTtlMs);
    this.cache = new RefreshingCache(
      async (tenantId) => {
        const until = (await registry.get(tenantId))?.debugUntil;
        return { until: until ? Date.parse(until) : 0 };
      },
      { failureBackoffMs: MIN_CACHE_MS, clock },
    );
  }

  async isOn(tenantId: string): Promise<boolean> {
    try {
      return (await this.cache.get(tenantId, this.cacheMs)).until > this.clock();
    } catch {
      return false;
    }
  }
}
