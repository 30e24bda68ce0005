import { RefreshingCache } from "../lib/refreshingCache";
import type { TenantRegistry } from "../tenants/tenantRegistry";

const CACHE_MS = 30_000;

/**
 * Whether a tenant's bodies are being logged: an operator turns it on for a while
 * (`npm run tenant -- debug <tenant> --minutes 30`) and it switches itself off when the time ends.
 * Read through a cache, so a request costs no registry read.
 */
export class DebugMode {
  private readonly cache: RefreshingCache<{ until: number }>;

  constructor(
    registry: TenantRegistry,
    private readonly clock: () => number = Date.now,
  ) {
    this.cache = new RefreshingCache(
      async (tenantId) => {
        const until = (await registry.get(tenantId))?.debugUntil;
        return { until: until ? Date.parse(until) : 0 };
      },
      { failureBackoffMs: CACHE_MS, clock },
    );
  }

  async isOn(tenantId: string): Promise<boolean> {
    try {
      return (await this.cache.get(tenantId, CACHE_MS)).until > this.clock();
    } catch {
      return false;
    }
  }
}
