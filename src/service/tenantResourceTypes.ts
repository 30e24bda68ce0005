import { tenantTypes, type TenantSchema, type TenantTypes } from "../scim/schema/tenantSchema";
import { RefreshingCache } from "../lib/refreshingCache";

/** Where a tenant's declared extension attributes are kept (storage-agnostic). */
export interface TenantSchemaRepository {
  /** The tenant's schema; DEFAULT_TENANT_SCHEMA when it never declared anything. */
  read(tenantId: string): Promise<TenantSchema>;
  /** Applies `change` to the current schema atomically (retried on concurrent changes). */
  update(tenantId: string, change: (current: TenantSchema) => TenantSchema): Promise<TenantSchema>;
}

export interface TenantResourceTypesOptions {
  /** How long a tenant's schema is used before it is read again (a CLI change shows within this). */
  readonly cacheTtlMs: number;
  /** After a failed read, the soonest the store is asked again; the last known schema is used meanwhile. */
  readonly failureBackoffMs: number;
  readonly clock?: () => number;
}

/**
 * Each tenant's resource types (built-in schemas plus the tenant's extensions), read once per TTL:
 * one read per tenant at a time, and a failed read keeps serving the last known types.
 */
export class TenantResourceTypes {
  private readonly cache: RefreshingCache<TenantTypes>;

  constructor(
    private readonly repository: TenantSchemaRepository,
    private readonly options: TenantResourceTypesOptions,
  ) {
    this.cache = new RefreshingCache(async (tenantId) => tenantTypes(await this.repository.read(tenantId)), {
      failureBackoffMs: options.failureBackoffMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  forTenant(tenantId: string): Promise<TenantTypes> {
    return this.cache.get(tenantId, this.options.cacheTtlMs);
  }

  /** Forgets a tenant's cached types (after a change made in this process). */
  forget(tenantId: string): void {
    this.cache.forget(tenantId);
  }
}
