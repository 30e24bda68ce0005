import type { WorkQueue } from "./workQueue";

/**
 * Tells the fan-out queue that a tenant has new changes, after the SCIM request that made them
 * has its answer: never awaited by the request, never failing it. Notices for one tenant that
 * come close together become one message, and a tenant without a receiving endpoint (none, or
 * only disabled or paused ones) sends none (`listens` is cached; an endpoint added meanwhile is
 * caught by the sweep).
 */
export class ChangeNotifier {
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly queue: WorkQueue | undefined,
    private readonly listens: (tenantId: string) => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
    private readonly coalesceMs = 200,
  ) {}

  notify(tenantId: string): void {
    if (!this.queue || this.stopped || this.waiting.has(tenantId)) return;
    const queue = this.queue;
    const timer = setTimeout(() => {
      this.waiting.delete(tenantId);
      this.listens(tenantId)
        .then((listening) => (listening ? queue.send({ tenantId }) : undefined))
        .catch((error: unknown) => {
          if (!this.stopped) this.onError(error);
        });
    }, this.coalesceMs).unref();
    this.waiting.set(tenantId, timer);
  }

  /**
   * A stopping host: the notices still waiting are dropped (their changes stay in the outbox, which the
   * webhook sweep fans out), and nothing is sent or reported after this.
   */
  stop(): void {
    this.stopped = true;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }
}
