import type { WorkQueue } from "./workQueue";

/**
 * Tells the fan-out queue that a tenant has new changes, after the SCIM request that made them
 * has its answer: never awaited by the request, never failing it. Notices for one tenant that
 * come close together become one message.
 */
export class ChangeNotifier {
  private readonly waiting = new Set<string>();

  constructor(
    private readonly queue: WorkQueue | undefined,
    private readonly onError: (error: unknown) => void,
    private readonly coalesceMs = 200,
  ) {}

  notify(tenantId: string): void {
    if (!this.queue || this.waiting.has(tenantId)) return;
    const queue = this.queue;
    this.waiting.add(tenantId);
    setTimeout(() => {
      this.waiting.delete(tenantId);
      queue.send({ tenantId }).catch(this.onError);
    }, this.coalesceMs).unref();
  }
}
