import { randomUUID } from "node:crypto";
import { addRequest, windowOf, type FailureSample, type WindowStats } from "./stats";
import { summarise, type TenantSummary } from "./summary";

/** Where each instance's counters are kept, one row per tenant, window and instance. */
export interface StatsStore {
  write(tenantId: string, instanceId: string, stats: readonly WindowStats[]): Promise<void>;
  /** Every instance's windows of the tenant since `since`. */
  read(tenantId: string, since: Date): Promise<WindowStats[]>;
  purge(tenantId: string, before: Date): Promise<void>;
}

const FLUSH_INTERVAL_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Counts requests per tenant in memory and writes them out every 30 s, off the request path, so
 * a summary costs no storage round trip per request. Only tenants that exist are written, so
 * requests to made-up tenant ids cannot fill the store.
 */
export class RequestStats {
  private readonly pending = new Map<string, Map<string, WindowStats>>();
  private readonly instanceId = randomUUID();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: StatsStore,
    private readonly tenantExists: (tenantId: string) => Promise<boolean>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  record(tenantId: string, status: number, failure: Omit<FailureSample, "time" | "status"> = {}): void {
    const now = this.clock();
    const window = windowOf(now);
    const windows = this.pending.get(tenantId) ?? new Map<string, WindowStats>();
    const current = windows.get(window) ?? { window, requests: 0, byStatus: {} };
    windows.set(window, addRequest(current, status, { time: now.toISOString(), status, ...failure }));
    this.pending.set(tenantId, windows);
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what was counted; a window already written by this instance is rewritten whole. */
  async flush(): Promise<void> {
    for (const [tenantId, windows] of this.pending) {
      if (!(await this.tenantExists(tenantId))) {
        this.pending.delete(tenantId);
        continue;
      }
      await this.store.write(tenantId, this.instanceId, [...windows.values()]);
      // Keep only the current window: it may still grow and is rewritten with its full count.
      const current = windowOf(this.clock());
      for (const window of windows.keys()) if (window !== current) windows.delete(window);
    }
  }

  async summary(tenantId: string): Promise<TenantSummary> {
    await this.flush();
    const now = this.clock();
    return summarise(tenantId, await this.store.read(tenantId, new Date(now.getTime() - DAY_MS)), now);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
