export type TenantStatus = "active" | "disabled";

export interface Tenant {
  readonly tenantId: string;
  readonly status: TenantStatus;
  readonly created: string;
  /** While set and in the future, the tenant's request and response bodies are logged (masked). */
  readonly debugUntil?: string;
}

/** The tenants this connector serves. */
export interface TenantRegistry {
  /** Creates the tenant; false if it already exists. */
  create(tenantId: string, now: Date): Promise<boolean>;
  get(tenantId: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  setStatus(tenantId: string, status: TenantStatus): Promise<void>;
  /** Turns body logging on until `until`, or off (empty). */
  setDebugUntil(tenantId: string, until: Date | undefined): Promise<void>;
}
