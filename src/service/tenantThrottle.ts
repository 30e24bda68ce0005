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
  /** Requests a tenant may start at once after being idle, before the rest are paced. */
  readonly burst: number;
  /** Requests of one tenant that may wait for their turn at its rate; one more gets 429. */
  readonly maxQueued?: number;
  /** How long a request may wait for its turn; one that would wait longer gets 429. */
  readonly maxWaitMs?: number;
  readonly clock?: () => number;
}

interface Bucket {
  /** Below 1: requests have booked turns ahead; -n means n more wait beyond the next token. */
  tokens: number;
  updatedAt: number;
}

/** Turns a tenant may book ahead of its tokens: `maxQueued`, and no more than `maxWaitMs` of its rate. */
export function turnsBookedAhead(options: Omit<ThrottleOptions, "burst" | "clock">): number {
  const byTime = ((options.maxWaitMs ?? 0) / 1000) * options.ratePerSecond;
  return Math.floor(Math.min(options.maxQueued ?? 0, byTime));
}

/** Buckets kept at most; idle (full) ones are dropped first, so made-up tenants cannot grow memory. */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per tenant, per instance, that paces rather than refuses: each request takes a token,
 * tokens come back at `ratePerSecond` up to `burst`. A request that finds no token books the next one
 * and waits for it, so a busy tenant's requests start one every 1/rate seconds, evenly, instead of in a
 * burst each time its client comes back from a 429: other tenants then meet one of its requests in
 * storage at a time, not dozens. Only when the turns booked reach `maxQueued`, or a turn is more than
 * `maxWaitMs` away, is the request refused (429 before any storage work).
 */
export class TenantThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  /** The lowest a bucket may go: 1 minus the turns that may be booked ahead. */
  private readonly floor: number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.clock ?? Date.now;
    this.floor = 1 - turnsBookedAhead(options);
  }

  /**
   * The cheap path, before authentication, a body read or any storage work: throws when the tenant
   * has no token and no turn left to book, without taking one or making a bucket. Only authenticated
   * requests take tokens (in `admit`), so requests with a made-up token cannot use up a tenant's rate;
   * while its own traffic keeps it over the rate, every request to its URL is refused here.
   */
  refuseIfFull(tenantId: string): void {
    if (this.options.ratePerSecond <= 0) return;
    const bucket = this.buckets.get(tenantId);
    if (!bucket) return;
    const tokens = this.refilled(bucket, this.now());
    if (tokens < this.floor) throw this.refusal(tokens);
  }

  /**
   * Takes the tenant's next token: the milliseconds to wait for it (0: start now), or throws
   * TooManyRequestsError when no turn is left to book.
   */
  admit(tenantId: string): number {
    const { ratePerSecond, burst } = this.options;
    if (ratePerSecond <= 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(tenantId);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      this.buckets.set(tenantId, (bucket = { tokens: burst, updatedAt: now }));
    }
    const tokens = this.refilled(bucket, now);
    bucket.tokens = tokens;
    bucket.updatedAt = now;
    if (tokens < this.floor) throw this.refusal(tokens);
    bucket.tokens -= 1;
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerSecond) * 1000);
  }

  private refilled(bucket: Bucket, now: number): number {
    const { ratePerSecond, burst } = this.options;
    return Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
  }

  /** Retry-After: whole seconds until a request could book a turn again. */
  private refusal(tokens: number): TooManyRequestsError {
    return refusal(Math.max(1, Math.ceil((this.floor - tokens) / this.options.ratePerSecond)));
  }

  private evict(now: number): void {
    const { burst } = this.options;
    for (const [tenantId, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= burst) this.buckets.delete(tenantId);
    }
    // Still full of busy tenants: forget the oldest (it only gets a fresh bucket back).
    for (const tenantId of this.buckets.keys()) {
      if (this.buckets.size < MAX_BUCKETS) break;
      this.buckets.delete(tenantId);
    }
  }
}
