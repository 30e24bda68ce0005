import { refusal } from "./tenantThrottle";

export interface ConcurrencyOptions {
  /** Requests of one tenant doing work (storage calls) at once, on one instance; 0 turns the cap off. */
  readonly maxInFlight: number;
  /** Requests of one tenant waiting for a slot; one more is answered 429 at once. */
  readonly maxQueued: number;
  /**
   * How long a request may wait for a slot before it is answered 429 (and never reaches storage);
   * undefined: as long as it takes.
   */
  readonly maxWaitMs?: number;
}

/** Retry-After of a request refused by the queue: its tenant's own requests are what it waited for. */
const QUEUE_RETRY_AFTER_SECONDS = 1;

/** Releases a slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface TenantSlots {
  inFlight: number;
  /** Hands a freed slot to the request waiting longest. */
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
    if (slots.waiting.length >= maxQueued) throw refusal(QUEUE_RETRY_AFTER_SECONDS);
    const queued = slots;
    const { maxWaitMs } = this.options;
    return new Promise<ReleaseSlot>((resolve, reject) => {
      // The slot is handed over by the request that ends: inFlight stays as it is. Called only after
      // the timer below is set.
      const grant = () => {
        clearTimeout(timer);
        resolve(this.releaser(tenantId, queued));
      };
      queued.waiting.push(grant);
      const timer =
        maxWaitMs === undefined
          ? undefined
          : setTimeout(() => {
              // Waited too long: leaves the queue without a slot (none was handed to it), refused.
              const index = queued.waiting.indexOf(grant);
              if (index >= 0) queued.waiting.splice(index, 1);
              reject(refusal(QUEUE_RETRY_AFTER_SECONDS));
            }, maxWaitMs).unref();
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
