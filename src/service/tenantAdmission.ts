import type { ReleaseSlot, TenantConcurrency } from "./tenantConcurrency";
import type { TenantThrottle } from "./tenantThrottle";

/** What decides whether one tenant's request may start work now. */
export interface TenantAdmission {
  readonly throttle: TenantThrottle;
  readonly concurrency: TenantConcurrency;
}

/**
 * After authentication, before the body is read or storage is called: takes a token of the tenant's
 * rate (429 when there is none), then one of its in-flight slots (waiting in the tenant's own queue,
 * 429 when that is full). The caller releases the slot when the request's work ends.
 */
export function admitTenantRequest(
  { throttle, concurrency }: TenantAdmission,
  tenantId: string,
): ReleaseSlot | Promise<ReleaseSlot> {
  throttle.admit(tenantId);
  return concurrency.enter(tenantId);
}
