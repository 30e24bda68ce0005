import type { AccessTokens } from "./accessTokens";
import type { CredentialStore, TenantCredentials } from "./credentialStore";
import { EMPTY_CREDENTIALS, liveClients, liveTokens } from "./credentials";
import { looksLikeJwt } from "./jwt";
import { RefreshingCache } from "../lib/refreshingCache";
import type { TenantRegistry } from "./tenantRegistry";
import { hashToken, sameHash } from "./tokens";

export interface AuthenticatorOptions {
  /** How long a tenant's credentials are trusted before they are read again. */
  readonly cacheTtlMs: number;
  /** After an unknown credential or a failed read, the soonest the store is asked again. */
  readonly missRefreshMs: number;
  readonly clock?: () => number;
}

interface TenantEntry {
  readonly active: boolean;
  readonly credentials: TenantCredentials;
}

/**
 * Verifies a tenant's credentials (Secret Tokens, OAuth client secrets, access tokens) against
 * hashes cached in memory, so a request costs no vault or table read. Reads go through a
 * RefreshingCache: one per tenant at a time, at most one per interval even for unknown tokens, and
 * a failed read keeps serving the last known credentials instead of turning a vault fault or
 * throttling into 401s (which quarantine Entra jobs). Expiry is checked on every call, so a grace
 * period ends on time; a revoke takes effect when the cache next reads (within `cacheTtlMs`).
 */
export class Authenticator {
  private readonly cache: RefreshingCache<TenantEntry>;
  private readonly now: () => number;

  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly accessTokens: AccessTokens,
    private readonly options: AuthenticatorOptions,
  ) {
    this.now = options.clock ?? Date.now;
    this.cache = new RefreshingCache((tenantId) => this.read(tenantId), {
      failureBackoffMs: options.missRefreshMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** A bearer token of a SCIM request: a Secret Token, or an access token from the token endpoint. */
  async verify(tenantId: string, token: string | undefined): Promise<boolean> {
    return (await this.identify(tenantId, token)) !== undefined;
  }

  /**
   * Which credential a valid bearer token is, for the audit trail: `token:<tokenId>` or
   * `client:<clientId>` (ids, never secrets); undefined when the token is not valid for the tenant.
   */
  async identify(tenantId: string, token: string | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    if (looksLikeJwt(token)) {
      const clientId = await this.accessTokens.verify(tenantId, token);
      // The client must still be live: revoking a client secret ends its access tokens too.
      const live =
        clientId !== undefined && (await this.check(tenantId, (entry) => this.hasClient(entry, clientId)));
      return live ? `client:${clientId}` : undefined;
    }
    const hash = hashToken(token);
    const tokenId = await this.find(tenantId, (entry) => this.matchingToken(entry, hash));
    return tokenId === undefined ? undefined : `token:${tokenId}`;
  }

  /** A client id and secret presented to the token endpoint. */
  verifyClient(tenantId: string, clientId: string, secret: string): Promise<boolean> {
    const hash = hashToken(secret);
    return this.check(tenantId, (entry) => this.hasClient(entry, clientId, hash));
  }

  /** Forgets a tenant's cached credentials (after a change made in this process). */
  forget(tenantId: string): void {
    this.cache.forget(tenantId);
  }

  private async check(tenantId: string, accepts: (entry: TenantEntry) => boolean): Promise<boolean> {
    return (await this.find(tenantId, (entry) => (accepts(entry) ? true : undefined))) === true;
  }

  /** Looks in the cached entry, then (for an unknown credential) once more in a fresh one. */
  private async find<T>(
    tenantId: string,
    pick: (entry: TenantEntry) => T | undefined,
  ): Promise<T | undefined> {
    const cached = pick(await this.cache.get(tenantId, this.options.cacheTtlMs));
    if (cached !== undefined) return cached;
    return pick(await this.cache.get(tenantId, this.options.missRefreshMs));
  }

  private matchingToken(entry: TenantEntry, hash: string): string | undefined {
    if (!entry.active) return undefined;
    let found: string | undefined;
    // Every hash is compared, so timing does not reveal which (or whether one) matched.
    for (const token of liveTokens(entry.credentials, new Date(this.now()))) {
      if (sameHash(token.hash, hash)) found = token.tokenId;
    }
    return found;
  }

  private hasClient(entry: TenantEntry, clientId: string, hash?: string): boolean {
    if (!entry.active) return false;
    let found = false;
    for (const client of liveClients(entry.credentials, new Date(this.now()))) {
      const secretMatches = hash === undefined || sameHash(client.hash, hash);
      if (secretMatches && client.clientId === clientId) found = true;
    }
    return found;
  }

  private async read(tenantId: string): Promise<TenantEntry> {
    const tenant = await this.registry.get(tenantId);
    const active = tenant?.status === "active";
    return { active, credentials: active ? await this.credentials.read(tenantId) : EMPTY_CREDENTIALS };
  }
}
