import type { CredentialStore, TokenRecord } from "./credentialStore";
import type { TenantRegistry } from "./tenantRegistry";
import { hashToken, sameHash } from "./tokens";

export interface AuthenticatorOptions {
  /** How long a tenant's token hashes are trusted before they are read again. */
  readonly cacheTtlMs: number;
  /** After an unknown token, the soonest the store is asked again (a rotated token works within it). */
  readonly missRefreshMs: number;
  readonly clock?: () => number;
}

interface CacheEntry {
  readonly loadedAt: number;
  readonly active: boolean;
  readonly tokens: readonly TokenRecord[];
}

/**
 * Verifies a tenant's Secret Token against hashes cached in memory, so a request costs no storage
 * read; one load per tenant at a time (no stampede), and a failed reload keeps serving the last
 * known hashes instead of turning a storage fault into 401s (which quarantine Entra jobs).
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<CacheEntry>>();
  private readonly now: () => number;

  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly options: AuthenticatorOptions,
  ) {
    this.now = options.clock ?? Date.now;
  }

  async verify(tenantId: string, token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const hash = hashToken(token);
    let entry = await this.entry(tenantId, this.options.cacheTtlMs);
    if (!this.accepts(entry, hash)) {
      entry = await this.entry(tenantId, this.options.missRefreshMs);
    }
    return this.accepts(entry, hash);
  }

  /** Forgets a tenant's cached hashes (after a rotation or disable made in this process). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private accepts(entry: CacheEntry, hash: string): boolean {
    if (!entry.active) return false;
    const now = this.now();
    let found = false;
    for (const token of entry.tokens) {
      const valid = !token.expiresAt || Date.parse(token.expiresAt) > now;
      // Every hash is compared, so timing does not reveal which (or whether one) matched.
      if (sameHash(token.hash, hash) && valid) found = true;
    }
    return found;
  }

  private async entry(tenantId: string, maxAgeMs: number): Promise<CacheEntry> {
    const cached = this.cache.get(tenantId);
    if (cached && this.now() - cached.loadedAt < maxAgeMs) return cached;
    try {
      return await this.load(tenantId);
    } catch (error) {
      if (cached) return cached;
      throw error;
    }
  }

  private load(tenantId: string): Promise<CacheEntry> {
    const pending = this.loading.get(tenantId);
    if (pending) return pending;
    const promise = this.read(tenantId).finally(() => this.loading.delete(tenantId));
    this.loading.set(tenantId, promise);
    return promise;
  }

  private async read(tenantId: string): Promise<CacheEntry> {
    const tenant = await this.registry.get(tenantId);
    const tokens =
      tenant?.status === "active" ? await this.credentials.validTokens(tenantId, new Date(this.now())) : [];
    const entry: CacheEntry = { loadedAt: this.now(), active: tenant?.status === "active", tokens };
    this.cache.set(tenantId, entry);
    return entry;
  }
}
