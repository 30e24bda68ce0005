import type { ReleaseSlot, TenantConcurrency } from "./tenantConcurrency";
import type { TenantThrottle } from "./tenantThrottle";

/** What decides whether one tenant's request may start work now. */
export interface TenantAdmission {
  readonly throttle: TenantThrottle;
  readonly concurrency: TenantConcurrency;
}

/**
 * After authentication, before the body is read or storage is called: takes the tenant's next turn at
 * its rate (waiting for it when the tenant is past its burst; 429 when no turn is left to book), then
 * one of its in-flight slots (waiting in the tenant's own queue, 429 when that is full). `paced` hears
 * how long the request waited for its turn. The caller releases the slot when the request's work ends.
 */
export function admitTenantRequest(
  { throttle, concurrency }: TenantAdmission,
  tenantId: string,
  paced: (waitMs: number) => void,
): ReleaseSlot | Promise<ReleaseSlot> {
  const waitMs = throttle.admit(tenantId);
  if (waitMs === 0) return concurrency.enter(tenantId);
  paced(waitMs);
  return new Promise<void>((resolve) => setTimeout(resolve, waitMs)).then(() => concurrency.enter(tenantId));
}
