import { RefreshingCache } from "../../lib/refreshingCache";
import type { FederatedTrust, TrustRepository } from "./trusts";

export interface TrustSourceOptions {
  readonly cacheTtlMs: number;
  /** How old a list may be when the cached one lacks the trust asked for. */
  readonly missRefreshMs: number;
  readonly clock?: () => number;
}

/**
 * Tenants' trusts as the token endpoint and the authenticator read them: cached per tenant like
 * credentials, so a token request costs no read, a removed trust stops working within the cache
 * TTL, and a trust not (yet) in the cached list is looked up again at most once per miss interval.
 */
export class TrustSource {
  private readonly cache: RefreshingCache<readonly FederatedTrust[]>;

  constructor(
    repository: TrustRepository,
    private readonly options: TrustSourceOptions,
  ) {
    this.cache = new RefreshingCache((tenantId) => repository.read(tenantId), {
      failureBackoffMs: options.missRefreshMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** The first trust `pick` accepts, in the cached list or else in a recent one. */
  async find(
    tenantId: string,
    pick: (trust: FederatedTrust) => boolean,
  ): Promise<FederatedTrust | undefined> {
    const cached = (await this.cache.get(tenantId, this.options.cacheTtlMs)).find(pick);
    if (cached) return cached;
    return (await this.cache.get(tenantId, this.options.missRefreshMs)).find(pick);
  }

  forget(tenantId: string): void {
    this.cache.forget(tenantId);
  }
}
