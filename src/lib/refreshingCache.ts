interface Slot<T> {
  readonly value?: T;
  readonly error?: unknown;
  /** When `value` was read. */
  readonly loadedAt: number;
  /** After a failed read: no new read before this time. */
  readonly retryAt: number;
}

export interface RefreshingCacheOptions<T> {
  /** After a failed read, the soonest the source is asked again (for the same key). */
  readonly failureBackoffMs: number;
  readonly clock?: () => number;
  /**
   * Values that may be forgotten (and failed reads without a value): at most `max` of them are kept,
   * the oldest read dropped first. Keys a caller does not control (ids from a URL) fill the cache
   * with these; the rest is kept, so a flood of made-up keys cannot push known values out.
   */
  readonly evictable?: { readonly max: number; readonly test: (value: T) => boolean };
}

/**
 * Values read from a slow, rate-limited source (Key Vault, a table), kept in memory per key:
 * - one read per key at a time: concurrent callers share it (no stampede);
 * - a caller says how old a value it accepts, so the source is read at most once per that interval;
 * - a failed read keeps serving the last value, and is not retried before the back-off ends, so an
 *   outage or throttling neither turns known answers into errors nor multiplies the calls.
 */
export class RefreshingCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly pending = new Map<string, Promise<T>>();
  /** Keys of evictable slots, oldest read first. */
  private readonly evictableKeys = new Set<string>();
  private readonly now: () => number;

  constructor(
    private readonly read: (key: string) => Promise<T>,
    private readonly options: RefreshingCacheOptions<T>,
  ) {
    this.now = options.clock ?? Date.now;
  }

  async get(key: string, maxAgeMs: number): Promise<T> {
    const slot = this.slots.get(key);
    const now = this.now();
    if (slot?.value !== undefined && now - slot.loadedAt < maxAgeMs) return slot.value;
    if (slot && now < slot.retryAt) {
      if (slot.value !== undefined) return slot.value;
      throw slot.error;
    }
    return this.load(key);
  }

  /** The value held for the key, without reading (undefined when none is held). */
  peek(key: string): T | undefined {
    return this.slots.get(key)?.value;
  }

  /** How many keys hold a value or a failed read. */
  get size(): number {
    return this.slots.size;
  }

  forget(key: string): void {
    this.slots.delete(key);
    this.evictableKeys.delete(key);
  }

  private store(key: string, slot: Slot<T>): void {
    this.slots.set(key, slot);
    const evictable = this.options.evictable;
    if (evictable === undefined) return;
    this.evictableKeys.delete(key);
    if (slot.value !== undefined && !evictable.test(slot.value)) return;
    this.evictableKeys.add(key);
    if (this.evictableKeys.size <= evictable.max) return;
    const oldest = this.evictableKeys.values().next().value;
    if (oldest !== undefined) this.forget(oldest);
  }

  private load(key: string): Promise<T> {
    const running = this.pending.get(key);
    if (running) return running;
    const promise = this.readInto(key).finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }

  private async readInto(key: string): Promise<T> {
    try {
      const value = await this.read(key);
      this.store(key, { value, loadedAt: this.now(), retryAt: 0 });
      return value;
    } catch (error) {
      const previous = this.slots.get(key);
      const retryAt = this.now() + this.options.failureBackoffMs;
      if (previous?.value !== undefined) {
        this.store(key, { value: previous.value, loadedAt: previous.loadedAt, retryAt });
        return previous.value;
      }
      this.store(key, { error, loadedAt: 0, retryAt });
      throw error;
    }
  }
}
