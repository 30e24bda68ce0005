import { z } from "zod";
import type { DirectoryEvent } from "../events/directoryEvent";
import type { EventLog } from "../events/eventLog";
import { auditRecord } from "../service/audit";
import type { AuditLog } from "../service/auditLog";
import type { CredentialStore, WebhookSecretRecord } from "../tenants/credentialStore";
import { isLive } from "../tenants/credentials";
import { MAX_ATTEMPTS, retryDelaySeconds } from "./backoff";
import type { WebhookSender } from "./sender";
import { signDelivery } from "./signing";
import type { WebhookQueues } from "./workQueue";
import type { DeliveryRecord, WebhookEndpoint, WebhookStore } from "./webhookStore";

export const deliveryMessageSchema = z.object({
  tenantId: z.string().min(1).max(64),
  endpointId: z.string().min(1).max(64),
  sequence: z.number().int().min(1),
  attempt: z.number().int().min(1).max(100),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

export const fanOutMessageSchema = z.object({ tenantId: z.string().min(1).max(64) });

export interface WebhookDeliveryOptions {
  readonly store: WebhookStore;
  readonly events: EventLog;
  readonly credentials: CredentialStore;
  readonly queues: WebhookQueues;
  readonly send: WebhookSender;
  readonly auditLog: AuditLog;
  /** One structured log line (never a secret or a body). */
  readonly log: (line: Record<string, unknown>) => void;
  /** An endpoint failing for this long without a success is disabled. */
  readonly autoDisableAfterMs: number;
  /** Deliveries to one endpoint at a time in this process; more wait in the queue. */
  readonly maxInFlightPerEndpoint: number;
  /** How long a delivery over that limit waits before it is tried again (about one delivery deadline). */
  readonly busyWaitSeconds?: number;
  readonly clock?: () => Date;
}

const FAN_OUT_PAGE = 100;
const BUSY_DELAY_SECONDS = 5;
/** After a timeout, the endpoint's other deliveries wait this long (doubling per timeout in a row, capped). */
const COOLDOWN_SECONDS = 30;
const MAX_COOLDOWN_SECONDS = 600;

export function subscribes(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.eventTypes.length === 0 || (endpoint.eventTypes as readonly string[]).includes(type);
}

export function liveSecrets(
  secrets: readonly WebhookSecretRecord[],
  endpointId: string,
  now: Date,
): string[] {
  return secrets
    .filter((secret) => secret.endpointId === endpointId && isLive(secret.expiresAt, now))
    .map((secret) => secret.secret);
}

/**
 * The work of the two webhook queues: fanning a tenant's new events out to its endpoints, and
 * delivering one event to one endpoint, with retries on our own schedule (the message comes back
 * with a delay). Nothing here runs on a SCIM request.
 */
export class WebhookDelivery {
  private readonly inFlight = new Map<string, number>();
  private readonly fanOuts = new Map<string, { requests: number }>();
  /**
   * Endpoints that timed out: until when their deliveries wait (without counting an attempt), so a
   * hanging endpoint holds at most a few connections and causes no busy retrying.
   */
  private readonly cooling = new Map<string, { until: number; timeouts: number; seconds: number }>();
  private readonly clock: () => Date;

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Numbers the tenant's new changes and queues one delivery per event and subscribed endpoint. In
   * one process a tenant's fan-outs never overlap: a request while one runs makes it run once more.
   */
  async fanOut(tenantId: string): Promise<number> {
    const running = this.fanOuts.get(tenantId);
    if (running) {
      running.requests += 1;
      return 0;
    }
    const state = { requests: 1 };
    this.fanOuts.set(tenantId, state);
    let queued = 0;
    try {
      let served = 0;
      while (served < state.requests) {
        served = state.requests;
        queued += await this.fanOutOnce(tenantId);
      }
    } finally {
      this.fanOuts.delete(tenantId);
    }
    return queued;
  }

  private async fanOutOnce(tenantId: string): Promise<number> {
    const { events, store, queues } = this.options;
    await events.sequence(tenantId);
    const endpoints = (await store.endpoints(tenantId)).filter((endpoint) => endpoint.status === "enabled");
    let queued = 0;
    for (;;) {
      const position = await store.dispatched(tenantId);
      const start = Math.max(position.through, (await events.position(tenantId)).purgedThrough);
      const slice = await events.read(tenantId, start, FAN_OUT_PAGE);
      const last = slice.events.at(-1)?.sequence;
      if (last === undefined) return queued;
      const deliveries = slice.events.flatMap((event) =>
        endpoints
          .filter((endpoint) => subscribes(endpoint, event.type))
          .map((endpoint) => ({ endpoint, event })),
      );
      await store.recordDeliveries(
        tenantId,
        deliveries.map(({ endpoint, event }) =>
          this.entry(endpoint.id, event, { status: "pending", attempts: 0 }),
        ),
      );
      await Promise.all(
        deliveries.map(({ endpoint, event }) =>
          queues.deliveries.send({ tenantId, endpointId: endpoint.id, sequence: event.sequence, attempt: 1 }),
        ),
      );
      queued += deliveries.length;
      // Queued before the position moves: a crash in between sends again (at least once), never loses.
      if (!(await store.setDispatched(tenantId, last, position.etag))) return queued;
      if (!slice.hasMore) return queued;
    }
  }

  /** Queues deliveries of the endpoint's events with sequences in [from, to] again (a manual replay). */
  async replay(tenantId: string, endpoint: WebhookEndpoint, from: number, to: number): Promise<number> {
    let queued = 0;
    let after = from - 1;
    while (after < to) {
      const slice = await this.options.events.read(tenantId, after, FAN_OUT_PAGE);
      for (const event of slice.events) {
        if (event.sequence > to) return queued;
        if (!subscribes(endpoint, event.type)) continue;
        await this.options.queues.deliveries.send({
          tenantId,
          endpointId: endpoint.id,
          sequence: event.sequence,
          attempt: 1,
        });
        queued += 1;
      }
      const last = slice.events.at(-1)?.sequence;
      if (last === undefined || !slice.hasMore) return queued;
      after = last;
    }
    return queued;
  }

  async deliver(message: DeliveryMessage): Promise<void> {
    const { endpointId } = message;
    // Checked in memory before any read: a hanging endpoint's backlog costs a queue round trip per
    // message and wait, never storage reads.
    const cooling = this.cooling.get(endpointId);
    const waitMs = (cooling?.until ?? 0) - this.clock().getTime();
    if (cooling && waitMs > 0) {
      // Spread over one more cooldown, so a large backlog comes back a trickle at a time.
      await this.options.queues.deliveries.send(message, waitMs / 1000 + Math.random() * cooling.seconds);
      return;
    }
    const busy = this.inFlight.get(endpointId) ?? 0;
    if (busy >= this.options.maxInFlightPerEndpoint) {
      // A slot frees when an attempt ends, at the latest after its deadline.
      const delay = Math.max(BUSY_DELAY_SECONDS, this.options.busyWaitSeconds ?? 0);
      await this.options.queues.deliveries.send(message, delay * (1 + 2 * Math.random()));
      return;
    }
    this.inFlight.set(endpointId, busy + 1);
    try {
      await this.deliverNow(message);
    } finally {
      const left = (this.inFlight.get(endpointId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(endpointId, left);
      else this.inFlight.delete(endpointId);
    }
  }

  private async deliverNow({ tenantId, endpointId, sequence, attempt }: DeliveryMessage): Promise<void> {
    const { store, events } = this.options;
    const endpoint = await store.endpoint(tenantId, endpointId);
    if (!endpoint) return;
    const event = (await events.read(tenantId, sequence - 1, 1)).events.find(
      (found) => found.sequence === sequence,
    );
    if (!event) {
      await this.recordBare(tenantId, endpointId, sequence, "failed", attempt, "the event has expired");
      return;
    }
    if (endpoint.status !== "enabled") {
      await this.record(tenantId, endpointId, event, {
        status: "skipped",
        attempts: attempt - 1,
        lastError: "endpoint disabled",
      });
      return;
    }
    await this.attempt(tenantId, endpoint, event, attempt);
  }

  /** A message the platform gave up on (it failed every try): it ends in the delivery log. */
  async recordPoison(message: unknown): Promise<void> {
    const parsed = deliveryMessageSchema.safeParse(message);
    this.options.log({ event: "webhook.poison", ...(parsed.success ? parsed.data : { malformed: true }) });
    if (!parsed.success) return;
    const { tenantId, endpointId, sequence, attempt } = parsed.data;
    await this.recordBare(
      tenantId,
      endpointId,
      sequence,
      "failed",
      attempt,
      "delivery failed repeatedly (poison message)",
    );
  }

  private async attempt(tenantId: string, endpoint: WebhookEndpoint, event: DirectoryEvent, attempt: number) {
    const now = this.clock();
    const secrets = liveSecrets(
      (await this.options.credentials.read(tenantId)).webhookSecrets ?? [],
      endpoint.id,
      now,
    );
    const body = JSON.stringify(event);
    const headers = signDelivery(secrets, event.id, now, body);
    const result = await this.options.send(endpoint.url, { ...headers }, body);
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    const outcome = {
      attempts: attempt,
      latencyMs: result.latencyMs,
      ...(result.status !== undefined ? { lastStatus: result.status } : {}),
    };
    this.options.log({
      event: "webhook.delivery",
      tenantId,
      endpointId: endpoint.id,
      sequence: event.sequence,
      attempt,
      status: result.status ?? null,
      latencyMs: result.latencyMs,
      ...(ok ? {} : { error: result.error ?? `HTTP ${result.status ?? 0}` }),
    });
    this.noteTimeout(endpoint.id, result.timedOut === true);
    if (ok) {
      await this.record(tenantId, endpoint.id, event, { status: "delivered", ...outcome });
      if (endpoint.failingSince) {
        await this.options.store.updateEndpoint(
          tenantId,
          endpoint.id,
          ({ failingSince: _cleared, ...rest }) => rest,
        );
      }
      return;
    }
    const lastError = result.error ?? `HTTP ${result.status ?? 0}`;
    const delay = attempt < MAX_ATTEMPTS ? retryDelaySeconds(attempt) : undefined;
    await this.record(tenantId, endpoint.id, event, {
      status: delay === undefined ? "failed" : "retrying",
      ...outcome,
      lastError,
      ...(delay === undefined ? {} : { nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString() }),
    });
    const disabled = await this.noteFailure(tenantId, endpoint, now);
    if (delay !== undefined && !disabled) {
      await this.options.queues.deliveries.send(
        { tenantId, endpointId: endpoint.id, sequence: event.sequence, attempt: attempt + 1 },
        delay,
      );
    }
  }

  private noteTimeout(endpointId: string, timedOut: boolean): void {
    if (!timedOut) {
      this.cooling.delete(endpointId);
      return;
    }
    const timeouts = (this.cooling.get(endpointId)?.timeouts ?? 0) + 1;
    const seconds = Math.min(COOLDOWN_SECONDS * 2 ** (timeouts - 1), MAX_COOLDOWN_SECONDS);
    this.cooling.set(endpointId, { until: this.clock().getTime() + seconds * 1000, timeouts, seconds });
  }

  /** Marks the start of a run of failures; disables the endpoint once the run is long enough. */
  private async noteFailure(tenantId: string, endpoint: WebhookEndpoint, now: Date): Promise<boolean> {
    const since = endpoint.failingSince ? Date.parse(endpoint.failingSince) : now.getTime();
    const disable = now.getTime() - since >= this.options.autoDisableAfterMs;
    const updated = await this.options.store.updateEndpoint(tenantId, endpoint.id, (current) => {
      if (current.status !== "enabled") return current;
      const failingSince = current.failingSince ?? now.toISOString();
      return disable
        ? { ...current, failingSince, status: "disabled", disabledReason: `failing since ${failingSince}` }
        : { ...current, failingSince };
    });
    if (!disable || updated?.status !== "disabled" || endpoint.status !== "enabled") return disable;
    this.options.log({
      event: "webhook.disabled",
      tenantId,
      endpointId: endpoint.id,
      failingSince: updated.failingSince,
    });
    await this.options.auditLog.append(
      tenantId,
      auditRecord(
        "update",
        "Webhook",
        endpoint.id,
        [{ attribute: "status", before: "enabled", after: "disabled" }],
        now.toISOString(),
      ),
    );
    return true;
  }

  private entry(
    endpointId: string,
    event: DirectoryEvent,
    outcome: Pick<DeliveryRecord, "status" | "attempts"> & Partial<DeliveryRecord>,
  ): DeliveryRecord {
    return {
      endpointId,
      sequence: event.sequence,
      eventId: event.id,
      type: event.type,
      updated: this.clock().toISOString(),
      ...outcome,
    };
  }

  private record(
    tenantId: string,
    endpointId: string,
    event: DirectoryEvent,
    outcome: Pick<DeliveryRecord, "status" | "attempts"> & Partial<DeliveryRecord>,
  ): Promise<void> {
    return this.options.store.recordDelivery(tenantId, this.entry(endpointId, event, outcome));
  }

  private recordBare(
    tenantId: string,
    endpointId: string,
    sequence: number,
    status: DeliveryRecord["status"],
    attempts: number,
    lastError: string,
  ): Promise<void> {
    return this.options.store.recordDelivery(tenantId, {
      endpointId,
      sequence,
      eventId: "",
      type: "",
      status,
      attempts,
      lastError,
      updated: this.clock().toISOString(),
    });
  }
}
