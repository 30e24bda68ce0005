import { z } from "zod";
import { auditRecord } from "../service/audit";
import type { AuditLog } from "../service/auditLog";
import {
  afterFailure,
  afterSuccess,
  droppable,
  endPause,
  hasFailureState,
  type EndpointPause,
  type FailedAttempt,
} from "./pause";
import type { WebhookQueues } from "./workQueue";
import type { WebhookEndpoint, WebhookStore } from "./webhookStore";

/** One event for one endpoint, as the deliveries queue carries it. */
export const deliveryMessageSchema = z.object({
  tenantId: z.string().min(1).max(64),
  endpointId: z.string().min(1).max(64),
  sequence: z.number().int().min(1),
  attempt: z.number().int().min(1).max(100),
  /** The one attempt a paused endpoint gets when its pause ends. */
  probe: z.literal(true).optional(),
  /** When it was first queued (ms since the epoch): tells a delivery a pause may drop from a later one. */
  queuedAt: z.number().int().min(0).optional(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** A first attempt (or a retry), stamped with when it was queued: a pause may drop only older ones. */
export function deliveryMessage(
  tenantId: string,
  endpointId: string,
  sequence: number,
  attempt: number,
  now: Date,
): DeliveryMessage {
  return { tenantId, endpointId, sequence, attempt, queuedAt: now.getTime() };
}

export interface EndpointHealthOptions {
  readonly store: WebhookStore;
  readonly queues: WebhookQueues;
  readonly auditLog: AuditLog;
  readonly log: (line: Record<string, unknown>) => void;
  readonly autoDisableAfterMs: number;
  readonly changed?: (tenantId: string) => void;
}

/**
 * What the delivery outcomes do to an endpoint: the run of failures, the pause (circuit breaker)
 * and its probe, the resume, and the automatic disable. It remembers the pauses it has seen, so
 * a paused endpoint's queued deliveries can be dropped without a read.
 */
export class EndpointHealth {
  private readonly pauses = new Map<string, EndpointPause>();

  constructor(private readonly options: EndpointHealthOptions) {}

  /** A delivery the endpoint's pause (as this process knows it) will send again when it resumes. */
  droppable(message: DeliveryMessage, now: Date): boolean {
    const pause = this.pauses.get(message.endpointId);
    return pause !== undefined && droppable(pause, message, now);
  }

  /** A delivery of a paused endpoint: dropped, its event covered by the resume (which starts at `from`). */
  async park(tenantId: string, pause: EndpointPause, endpointId: string, sequence: number) {
    if (sequence >= pause.from) return;
    const updated = await this.options.store.updateEndpoint(tenantId, endpointId, (current) =>
      current.paused && sequence < current.paused.from
        ? { ...current, paused: { ...current.paused, from: sequence } }
        : current,
    );
    if (updated) this.remember(updated);
  }

  remember(endpoint: WebhookEndpoint): void {
    if (endpoint.paused && endpoint.status === "enabled") this.pauses.set(endpoint.id, endpoint.paused);
    else this.pauses.delete(endpoint.id);
  }

  async sendProbe(tenantId: string, endpointId: string, pause: EndpointPause, now: Date) {
    const seconds = Math.max(0, (Date.parse(pause.until) - now.getTime()) / 1000);
    await this.options.queues.deliveries.send(
      { ...deliveryMessage(tenantId, endpointId, pause.from, 1, now), probe: true },
      seconds,
    );
  }

  /**
   * Ends the endpoint's pause now (an operator enabled it or replays to it): it resumes from where
   * the pause began, at a fan-out queued here.
   */
  async endPause(tenantId: string, endpointId: string): Promise<void> {
    const updated = await this.options.store.updateEndpoint(tenantId, endpointId, endPause);
    if (updated) this.remember(updated);
    this.options.changed?.(tenantId);
    await this.options.queues.fanOut.send({ tenantId });
  }

  /** The run of failures ends; a paused endpoint resumes (its fan-out queues what the pause held back). */
  async noteSuccess(tenantId: string, endpointId: string): Promise<void> {
    // Set by the change, which runs again on a write conflict.
    const seen = { paused: false };
    const updated = await this.options.store.updateEndpoint(tenantId, endpointId, (current) => {
      seen.paused = current.paused !== undefined;
      return hasFailureState(current) ? afterSuccess(current) : current;
    });
    if (updated) this.remember(updated);
    if (!seen.paused) return;
    this.options.log({ event: "webhook.resumed", tenantId, endpointId });
    this.options.changed?.(tenantId);
    await this.options.queues.fanOut.send({ tenantId });
  }

  /**
   * Counts the failure on the endpoint: a timeout or a run of failures pauses it (`opened`: this
   * attempt paused it, so it sends the probe), and a run long enough disables it.
   */
  async noteFailure(
    tenantId: string,
    endpoint: WebhookEndpoint,
    failed: FailedAttempt,
  ): Promise<{ after?: WebhookEndpoint; opened: boolean }> {
    // Set by the change, which runs again on a write conflict.
    const seen = { opened: false, disabled: false };
    const after = await this.options.store.updateEndpoint(tenantId, endpoint.id, (current) => {
      seen.opened = false;
      seen.disabled = false;
      if (current.status !== "enabled") return current;
      const next = afterFailure(current, failed);
      const failingSince = next.endpoint.failingSince ?? failed.now.toISOString();
      if (failed.now.getTime() - Date.parse(failingSince) >= this.options.autoDisableAfterMs) {
        seen.disabled = true;
        return { ...next.endpoint, status: "disabled", disabledReason: `failing since ${failingSince}` };
      }
      seen.opened = next.paused;
      return next.endpoint;
    });
    if (after) this.remember(after);
    const { opened, disabled } = seen;
    if (opened && after?.paused) {
      this.options.log({
        event: "webhook.paused",
        tenantId,
        endpointId: endpoint.id,
        until: after.paused.until,
      });
      this.options.changed?.(tenantId);
    }
    if (disabled && after) await this.noteDisabled(tenantId, endpoint.id, after, failed.now);
    return { ...(after ? { after } : {}), opened };
  }

  private async noteDisabled(tenantId: string, endpointId: string, after: WebhookEndpoint, now: Date) {
    this.options.log({ event: "webhook.disabled", tenantId, endpointId, failingSince: after.failingSince });
    this.options.changed?.(tenantId);
    await this.options.auditLog.append(
      tenantId,
      auditRecord(
        "update",
        "Webhook",
        endpointId,
        [{ attribute: "status", before: "enabled", after: "disabled" }],
        now.toISOString(),
      ),
    );
  }
}
