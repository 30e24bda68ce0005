import { randomUUID } from "node:crypto";
import {
  countRequest,
  openWindow,
  windowStart,
  windowStats,
  type FailureSample,
  type OpenWindow,
  type WindowStats,
} from "./stats";
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
  /** Per tenant, the windows counted since the last write, by start time. */
  private readonly pending = new Map<string, Map<number, OpenWindow>>();
  private readonly instanceId = randomUUID();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: StatsStore,
    private readonly tenantExists: (tenantId: string) => Promise<boolean>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A request of the tenant's own: authenticated, or refused with a credential the tenant holds or held. */
  record(
    tenantId: string,
    status: number,
    failure: Omit<FailureSample, "time" | "status"> = {},
    credentialId?: string,
  ): void {
    const nowMs = this.clock().getTime();
    countRequest(this.currentWindow(tenantId, nowMs), status, nowMs, failure, credentialId);
  }

  /** A request to an existing tenant with no credential, or one it never issued: anyone's. */
  recordUnauthenticated(tenantId: string): void {
    this.currentWindow(tenantId, this.clock().getTime()).unauthenticated += 1;
  }

  /** How many tenants have counts waiting to be written. */
  get pendingTenants(): number {
    return this.pending.size;
  }

  private currentWindow(tenantId: string, nowMs: number): OpenWindow {
    const start = windowStart(nowMs);
    let windows = this.pending.get(tenantId);
    if (windows === undefined) this.pending.set(tenantId, (windows = new Map<number, OpenWindow>()));
    let current = windows.get(start);
    if (current === undefined) windows.set(start, (current = openWindow(start)));
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS).unref();
    return current;
  }

  /** Writes what was counted; a window already written by this instance is rewritten whole. */
  async flush(): Promise<void> {
    for (const tenantId of [...this.pending.keys()]) await this.flushTenant(tenantId);
  }

  /** Writes one tenant's counts only: a read of its summary need not wait on every other tenant's. */
  private async flushTenant(tenantId: string): Promise<void> {
    const windows = this.pending.get(tenantId);
    if (windows === undefined) return;
    if (!(await this.tenantExists(tenantId))) {
      this.pending.delete(tenantId);
      return;
    }
    await this.store.write(tenantId, this.instanceId, [...windows.values()].map(windowStats));
    // Keep only the current window: it may still grow and is rewritten with its full count.
    const current = windowStart(this.clock().getTime());
    for (const start of windows.keys()) if (start !== current) windows.delete(start);
  }

  async summary(tenantId: string): Promise<TenantSummary> {
    return (await this.report(tenantId)).summary;
  }

  /** The summary and the last day's windows it was made from (every instance's, for a chart). */
  async report(tenantId: string): Promise<{ summary: TenantSummary; windows: WindowStats[]; now: Date }> {
    await this.flushTenant(tenantId);
    const now = this.clock();
    const windows = await this.store.read(tenantId, new Date(now.getTime() - DAY_MS));
    return { summary: summarise(tenantId, windows, now), windows, now };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
