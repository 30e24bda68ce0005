import { TooManyRequestsError } from "./tenantThrottle";

export interface ConcurrencyOptions {
  /** Requests of one tenant doing work (storage calls) at once, on one instance; 0 turns the cap off. */
  readonly maxInFlight: number;
  /** Requests of one tenant waiting for a slot; one more is answered 429 at once. */
  readonly maxQueued: number;
}

/** Releases a slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface TenantSlots {
  inFlight: number;
  readonly waiting: (() => void)[];
}

const NOTHING_TO_RELEASE: ReleaseSlot = () => undefined;

/**
 * Caps how many requests of one tenant work at once, per instance. The rate limit alone lets a
 * tenant's burst start hundreds of storage calls together, and every other tenant's calls then queue
 * behind them in storage; with the cap, a tenant's extra requests wait here, in their own queue,
 * before reading a body or calling storage, and other tenants' requests pass them. A full queue
 * answers 429 (Entra retries those). Only tenants with requests in flight are kept, so memory
 * follows the requests, not the number of tenants.
 */
export class TenantConcurrency {
  private readonly tenants = new Map<string, TenantSlots>();

  constructor(private readonly options: ConcurrencyOptions) {}

  /** Takes a slot at once when one is free; else waits in the tenant's queue; 429 when that is full. */
  enter(tenantId: string): ReleaseSlot | Promise<ReleaseSlot> {
    const { maxInFlight, maxQueued } = this.options;
    if (maxInFlight <= 0) return NOTHING_TO_RELEASE;
    let slots = this.tenants.get(tenantId);
    if (!slots) this.tenants.set(tenantId, (slots = { inFlight: 0, waiting: [] }));
    if (slots.inFlight < maxInFlight) {
      slots.inFlight += 1;
      return this.releaser(tenantId, slots);
    }
    if (slots.waiting.length >= maxQueued) throw new TooManyRequestsError(1);
    const queued = slots;
    return new Promise<ReleaseSlot>((resolve) => {
      // The slot is handed over by the request that ends: inFlight stays as it is.
      queued.waiting.push(() => {
        resolve(this.releaser(tenantId, queued));
      });
    });
  }

  /** Requests of the tenant working now and waiting now (for tests and diagnostics). */
  load(tenantId: string): { readonly inFlight: number; readonly queued: number } {
    const slots = this.tenants.get(tenantId);
    return { inFlight: slots?.inFlight ?? 0, queued: slots?.waiting.length ?? 0 };
  }

  private releaser(tenantId: string, slots: TenantSlots): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      if (next) {
        next();
        return;
      }
      slots.inFlight -= 1;
      if (slots.inFlight === 0) this.tenants.delete(tenantId);
    };
  }
}
