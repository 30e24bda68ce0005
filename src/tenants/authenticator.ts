import { randomBytes } from "node:crypto";
import type { AccessTokens } from "./accessTokens";
import type { CredentialStore, TenantCredentials } from "./credentialStore";
import { EMPTY_CREDENTIALS, isLive } from "./credentials";
import type { TrustSource } from "./federation/trustSource";
import { looksLikeJwt } from "./jwt";
import { RefreshingCache } from "../lib/refreshingCache";
import type { TenantRegistry } from "./tenantRegistry";
import { APP_KEY_PREFIX, hashToken, sameHash } from "./tokens";

/** The `sub` of an access token issued for a federated trust; a client's is its bare client id. */
export const TRUST_SUBJECT_PREFIX = "trust:";

export interface AuthenticatorOptions {
  /** How long a tenant's credentials are trusted before they are read again. */
  readonly cacheTtlMs: number;
  /** After an unknown credential or a failed read, the soonest the store is asked again. */
  readonly missRefreshMs: number;
  readonly clock?: () => number;
  /**
   * For an id that is no tenant, the read made in place of its credentials read (the table's
   * credentials row), so a made-up tenant costs the same round trips as a real one with a wrong token.
   * It is not the credential store itself: with Key Vault, made-up ids must not spend the vault's budget.
   */
  readonly unknownTenantRead?: (tenantId: string) => Promise<unknown>;
  /** Made-up tenant ids remembered at most (default MAX_UNKNOWN_TENANTS). */
  readonly maxUnknownTenants?: number;
}

/**
 * How a request's credential fared against a tenant. Only the first two are the tenant's own traffic:
 * anyone on the internet can send the third, so it must not count as the tenant's failure.
 */
export type Authentication =
  | { readonly kind: "authenticated"; readonly credentialId: string }
  /** A credential the tenant holds or held, refused now: expired, revoked, or the tenant is disabled. */
  | { readonly kind: "refused" }
  /** No credential, one the tenant never issued, or no such tenant. */
  | { readonly kind: "unauthenticated"; readonly tenantExists: boolean };

/** Made-up tenant ids remembered as "no such tenant" at most; beyond it the oldest are forgotten. */
const MAX_UNKNOWN_TENANTS = 10_000;
/**
 * Every lookup compares at least this many hashes, padding with one no credential has, so a made-up
 * tenant (no hashes) costs the same comparisons as a real one with a few tokens and clients.
 */
const MIN_COMPARISONS = 4;
const NO_CREDENTIAL_HASH = hashToken(randomBytes(32).toString("base64url"));

interface TenantEntry {
  readonly exists: boolean;
  readonly active: boolean;
  readonly credentials: TenantCredentials;
}

interface Match {
  readonly id: string;
  readonly live: boolean;
}

const REFUSED: Authentication = { kind: "refused" };

/**
 * Verifies a tenant's credentials (Secret Tokens, OAuth client secrets, access tokens) against
 * hashes cached in memory, so a request costs no vault or table read. Reads go through
 * RefreshingCaches: one per tenant at a time, at most one per interval even for unknown tokens, and
 * a failed read keeps serving the last known credentials instead of turning a vault fault or
 * throttling into 401s (which quarantine Entra jobs). Expiry is checked on every call, so a grace
 * period ends on time; a revoke takes effect when the cache next reads (within `cacheTtlMs`).
 *
 * Made-up tenant ids cost what a real tenant with a wrong token costs: the same reads (see
 * `unknownTenantRead`), the same hash and the same number of comparisons. They are remembered as "no
 * such tenant" for at most MAX_UNKNOWN_TENANTS ids (the oldest forgotten first); real tenants stay.
 */
export class Authenticator {
  private readonly cache: RefreshingCache<TenantEntry>;
  private readonly now: () => number;

  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly accessTokens: AccessTokens,
    private readonly options: AuthenticatorOptions,
    /** Tenants' federated trusts: an access token issued for one lives only as long as the trust. */
    private readonly trusts?: Pick<TrustSource, "find">,
  ) {
    this.now = options.clock ?? Date.now;
    this.cache = new RefreshingCache((tenantId) => this.read(tenantId), {
      failureBackoffMs: options.missRefreshMs,
      evictable: { max: options.maxUnknownTenants ?? MAX_UNKNOWN_TENANTS, test: (entry) => !entry.exists },
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** A bearer token of a SCIM request: a Secret Token, or an access token from the token endpoint. */
  async authenticate(tenantId: string, token: string | undefined): Promise<Authentication> {
    if (!token) return this.unauthenticated(tenantId);
    if (looksLikeJwt(token)) return this.authenticateAccessToken(tenantId, token);
    const hash = hashToken(token);
    const { tenant, found } = await this.lookup(tenantId, (credentials) =>
      this.matchToken(credentials, hash),
    );
    return this.outcome(tenant, found, "token");
  }

  /**
   * An application key of the read API: `appkey:<keyId>` when it is a live key of this tenant.
   * Only app keys match here, and only Secret Tokens and access tokens in `authenticate`, so neither
   * credential opens the other's API.
   */
  async identifyAppKey(tenantId: string, key: string | undefined): Promise<string | undefined> {
    if (!key?.startsWith(APP_KEY_PREFIX)) return undefined;
    const hash = hashToken(key);
    const { tenant, found } = await this.lookup(tenantId, (credentials) =>
      this.matchAppKey(credentials, hash),
    );
    return found?.live && tenant.active ? `appkey:${found.id}` : undefined;
  }

  /** A client id and secret presented to the token endpoint. */
  async authenticateClient(tenantId: string, clientId: string, secret: string): Promise<Authentication> {
    const hash = hashToken(secret);
    const { tenant, found } = await this.lookup(tenantId, (credentials) =>
      this.matchClient(credentials, clientId, hash),
    );
    return this.outcome(tenant, found, "client");
  }

  async verify(tenantId: string, token: string | undefined): Promise<boolean> {
    return (await this.authenticate(tenantId, token)).kind === "authenticated";
  }

  async verifyClient(tenantId: string, clientId: string, secret: string): Promise<boolean> {
    return (await this.authenticateClient(tenantId, clientId, secret)).kind === "authenticated";
  }

  /** Whether the tenant is known to exist, from memory only (no read): for counting a failed request. */
  isKnownTenant(tenantId: string): boolean {
    return this.cache.peek(tenantId)?.exists === true;
  }

  /** How many tenant ids are cached (real tenants, and made-up ids up to MAX_UNKNOWN_TENANTS). */
  get cachedTenants(): number {
    return this.cache.size;
  }

  /** Forgets a tenant's cached credentials (after a change made in this process). */
  forget(tenantId: string): void {
    this.cache.forget(tenantId);
  }

  private async unauthenticated(tenantId: string): Promise<Authentication> {
    const tenant = await this.cache.get(tenantId, this.options.cacheTtlMs);
    return { kind: "unauthenticated", tenantExists: tenant.exists };
  }

  /**
   * A genuine access token names its tenant and client: if it is for this tenant, it is this tenant's
   * own (refused when expired, or when its client was revoked); anything else is no credential of it.
   */
  private async authenticateAccessToken(tenantId: string, token: string): Promise<Authentication> {
    const inspected = await this.accessTokens.inspect(tenantId, token);
    if (inspected === undefined) return this.unauthenticated(tenantId);
    if (inspected.clientId.startsWith(TRUST_SUBJECT_PREFIX)) {
      return this.authenticateTrustToken(
        tenantId,
        inspected.clientId.slice(TRUST_SUBJECT_PREFIX.length),
        inspected.current,
      );
    }
    const { tenant, found } = await this.lookup(tenantId, (credentials) =>
      this.matchClient(credentials, inspected.clientId),
    );
    if (!inspected.current) return REFUSED;
    return found === undefined ? REFUSED : this.outcome(tenant, found, "client");
  }

  /** An access token issued for a federated trust: the trust must still be the tenant's. */
  private async authenticateTrustToken(
    tenantId: string,
    trustId: string,
    current: boolean,
  ): Promise<Authentication> {
    const trust = await this.trusts?.find(tenantId, (candidate) => candidate.trustId === trustId);
    const { tenant, found } = await this.lookup(tenantId, () =>
      trust === undefined ? undefined : { id: trustId, live: true },
    );
    if (!current) return REFUSED;
    return found === undefined ? REFUSED : this.outcome(tenant, found, "trust");
  }

  /** Whether the tenant exists and is not disabled (a federated trust authenticates only then). */
  async isActive(tenantId: string): Promise<boolean> {
    const cached = await this.cache.get(tenantId, this.options.cacheTtlMs);
    if (cached.active) return true;
    return (await this.cache.get(tenantId, this.options.missRefreshMs)).active;
  }

  private outcome(
    tenant: TenantEntry,
    found: Match | undefined,
    kind: "token" | "client" | "trust",
  ): Authentication {
    if (found === undefined) return { kind: "unauthenticated", tenantExists: tenant.exists };
    if (!found.live || !tenant.active) return REFUSED;
    return { kind: "authenticated", credentialId: `${kind}:${found.id}` };
  }

  /**
   * Looks in the cached entry, then, for an unknown credential or a disabled tenant, once more in a
   * fresh one (at most once per miss interval): the credential may have been made by the CLI in
   * another process a moment ago, the tenant enabled again.
   */
  private async lookup(
    tenantId: string,
    pick: (credentials: TenantCredentials) => Match | undefined,
  ): Promise<{ tenant: TenantEntry; found: Match | undefined }> {
    let tenant = await this.cache.get(tenantId, this.options.cacheTtlMs);
    let found = pick(tenant.credentials);
    if (found === undefined || !tenant.active) {
      tenant = await this.cache.get(tenantId, this.options.missRefreshMs);
      found = pick(tenant.credentials);
    }
    return { tenant, found };
  }

  /** Two reads whether or not the tenant exists: its registration, then its credentials or a stand-in. */
  private async read(tenantId: string): Promise<TenantEntry> {
    const tenant = await this.registry.get(tenantId);
    if (tenant === undefined) {
      await this.options.unknownTenantRead?.(tenantId);
      return { exists: false, active: false, credentials: EMPTY_CREDENTIALS };
    }
    return {
      exists: true,
      active: tenant.status === "active",
      credentials: await this.credentials.read(tenantId),
    };
  }

  /** Every stored token is compared (live or not), so timing shows neither which matched nor whether. */
  private matchToken(credentials: TenantCredentials, hash: string): Match | undefined {
    const now = new Date(this.now());
    const records = credentials.tokens;
    let found: Match | undefined;
    for (let index = 0; index < Math.max(records.length, MIN_COMPARISONS); index += 1) {
      const record = records[index];
      const same = sameHash(record?.hash ?? NO_CREDENTIAL_HASH, hash);
      if (same && record) found = { id: record.tokenId, live: isLive(record.expiresAt, now) };
    }
    return found;
  }

  /** A client by id, and (at the token endpoint) by its secret's hash, compared for every client. */
  private matchClient(credentials: TenantCredentials, clientId: string, hash?: string): Match | undefined {
    const now = new Date(this.now());
    const records = credentials.clients;
    let found: Match | undefined;
    for (let index = 0; index < Math.max(records.length, MIN_COMPARISONS); index += 1) {
      const record = records[index];
      const secretMatches = sameHash(record?.hash ?? NO_CREDENTIAL_HASH, hash ?? NO_CREDENTIAL_HASH);
      if (record?.clientId === clientId && (hash === undefined || secretMatches)) {
        found = { id: clientId, live: record.revoked !== true && isLive(record.expiresAt, now) };
      }
    }
    return found;
  }

  /** Every app key is compared, as tokens are. */
  private matchAppKey(credentials: TenantCredentials, hash: string): Match | undefined {
    const records = credentials.appKeys ?? [];
    let found: Match | undefined;
    for (let index = 0; index < Math.max(records.length, MIN_COMPARISONS); index += 1) {
      const record = records[index];
      const same = sameHash(record?.hash ?? NO_CREDENTIAL_HASH, hash);
      if (same && record) found = { id: record.keyId, live: record.revokedAt === undefined };
    }
    return found;
  }
}
