import { ScimError } from "../scim/errors";

/** 429 with `Retry-After`: Entra pauses the job and retries only these requests; no event fails. */
export class TooManyRequestsError extends ScimError {
  constructor(retryAfterSeconds: number) {
    super(429, `Too many requests for this tenant; retry after ${retryAfterSeconds} seconds.`);
    this.name = "TooManyRequestsError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface ThrottleOptions {
  /** Requests per second a tenant may keep up, on one instance; 0 turns throttling off. */
  readonly ratePerSecond: number;
  /** Requests a tenant may send at once after being idle (the bucket's size). */
  readonly burst: number;
  readonly clock?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept at most; idle (full) ones are dropped first, so made-up tenants cannot grow memory. */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per tenant, per instance: each request takes a token, tokens come back at
 * `ratePerSecond` up to `burst`. A tenant over its rate gets 429 before any storage work, so one
 * tenant's flood costs the others (and storage) next to nothing.
 */
export class TenantThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.clock ?? Date.now;
  }

  /** Takes one token of the tenant's bucket, or throws TooManyRequestsError. */
  admit(tenantId: string): void {
    const { ratePerSecond, burst } = this.options;
    if (ratePerSecond <= 0) return;
    const now = this.now();
    let bucket = this.buckets.get(tenantId);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      this.buckets.set(tenantId, (bucket = { tokens: burst, updatedAt: now }));
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    throw new TooManyRequestsError(Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)));
  }

  private evict(now: number): void {
    const { ratePerSecond, burst } = this.options;
    for (const [tenantId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond >= burst)
        this.buckets.delete(tenantId);
    }
    // Still full of busy tenants: forget the oldest (it only gets a fresh bucket back).
    for (const tenantId of this.buckets.keys()) {
      if (this.buckets.size < MAX_BUCKETS) break;
      this.buckets.delete(tenantId);
    }
  }
}
