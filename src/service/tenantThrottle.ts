import { ScimError } from "../scim/errors";

/** 429 with `Retry-After`: Entra pauses the job and retries only these requests; no event fails. */
export class TooManyRequestsError extends ScimError {
  constructor(retryAfterSeconds: number) {
    super(429, `Too many requests for this tenant; retry after ${retryAfterSeconds} seconds.`);
    this.name = "TooManyRequestsError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const refusals = new Map<number, TooManyRequestsError>();

/**
 * One error per Retry-After value, made once: a flood is answered without building an error and its
 * stack for every request it sends. The errors are never changed after they are made.
 */
export function refusal(retryAfterSeconds: number): TooManyRequestsError {
  let error = refusals.get(retryAfterSeconds);
  if (!error) {
    if (refusals.size >= 64) refusals.clear();
    refusals.set(retryAfterSeconds, (error = new TooManyRequestsError(retryAfterSeconds)));
  }
  return error;
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

  /**
   * The cheap path, before authentication, a body read or any storage work: throws when the tenant's
   * bucket is already empty, without taking a token or making a bucket. Only authenticated requests
   * take tokens (in `admit`), so requests with a made-up token cannot use up a tenant's rate; while
   * its own traffic keeps it over the rate, every request to its URL is refused here.
   */
  refuseIfEmpty(tenantId: string): void {
    const { ratePerSecond, burst } = this.options;
    if (ratePerSecond <= 0) return;
    const bucket = this.buckets.get(tenantId);
    if (!bucket) return;
    const tokens = Math.min(burst, bucket.tokens + ((this.now() - bucket.updatedAt) / 1000) * ratePerSecond);
    if (tokens < 1) throw refusal(Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)));
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
    throw refusal(Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)));
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
