import { z } from "zod";
import type { DirectoryEvent } from "../events/directoryEvent";
import type { EventLog } from "../events/eventLog";
import type { AuditLog } from "../service/auditLog";
import type { CredentialStore, WebhookSecretRecord } from "../tenants/credentialStore";
import { isLive } from "../tenants/credentials";
import { MAX_ATTEMPTS, retryDelaySeconds } from "./backoff";
import { hasFailureState, probeDue } from "./pause";
import type { WebhookSender } from "./sender";
import { Slots } from "./slots";
import {
  deliveryMessage,
  deliveryMessageSchema,
  EndpointHealth,
  type DeliveryMessage,
} from "./endpointHealth";
import { signDelivery } from "./signing";
import type { WebhookQueues } from "./workQueue";
import type { DeliveryRecord, WebhookEndpoint, WebhookStore } from "./webhookStore";

export { deliveryMessageSchema, type DeliveryMessage };

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
  /** Deliveries to one endpoint at a time in this process; a few more wait for a slot, the rest in the queue. */
  readonly maxInFlightPerEndpoint: number;
  /** Deliveries at a time in this process, all endpoints together. */
  readonly maxInFlight?: number;
  /** How long a delivery over those limits waits in the queue before it is tried again (about one deadline). */
  readonly busyWaitSeconds?: number;
  /** Told when an endpoint of the tenant pauses or resumes (the change notifier's cache of who listens). */
  readonly changed?: (tenantId: string) => void;
  readonly clock?: () => Date;
}

const FAN_OUT_PAGE = 100;
const BUSY_DELAY_SECONDS = 5;
/**
 * Deliveries at a time in one instance by default; host.json lets the Functions host hand the
 * delivery function no more than this many messages at once (batchSize + newBatchThreshold).
 */
export const DELIVERIES_PER_INSTANCE = 16;
/** A burst to a fast endpoint waits its turn in this process; a slow endpoint's overflow goes back to the queue. */
const WAITING_PER_SLOT = 3;
const MAX_SLOT_WAIT_MS = 1_000;
/** A pause whose probe has not come this long after its end lost it (a crash): the sweep sends another. */
const LOST_PROBE_MS = 5 * 60 * 1000;

function subscribes(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.eventTypes.length === 0 || (endpoint.eventTypes as readonly string[]).includes(type);
}

function liveSecrets(secrets: readonly WebhookSecretRecord[], endpointId: string, now: Date): string[] {
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
  private readonly fanOuts = new Map<string, { requests: number }>();
  private readonly slots: Slots;
  private readonly health: EndpointHealth;
  private readonly clock: () => Date;

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.health = new EndpointHealth(options);
    const perEndpoint = options.maxInFlightPerEndpoint;
    this.slots = new Slots(
      perEndpoint,
      options.maxInFlight ?? DELIVERIES_PER_INSTANCE,
      WAITING_PER_SLOT * perEndpoint,
      MAX_SLOT_WAIT_MS,
    );
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
    // A paused endpoint gets nothing queued, not even a log row: its events wait in the feed.
    const endpoints = (await store.endpoints(tenantId)).filter(
      (endpoint) => endpoint.status === "enabled" && !endpoint.paused,
    );
    let queued = 0;
    const resuming = endpoints.filter((endpoint) => endpoint.resumeFrom !== undefined);
    if (resuming.length > 0) {
      const { through } = await store.dispatched(tenantId);
      for (const endpoint of resuming) queued += await this.resume(tenantId, endpoint, through);
    }
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
          queues.deliveries.send(this.message(tenantId, endpoint.id, event.sequence, 1)),
        ),
      );
      queued += deliveries.length;
      // Queued before the position moves: a crash in between sends again (at least once), never loses.
      if (!(await store.setDispatched(tenantId, last, position.etag))) return queued;
      if (!slice.hasMore) return queued;
    }
  }

  /**
   * After a pause: queues the endpoint's events from where the pause began up to the fan-out
   * position (those after it are fanned out to it as usual from now on).
   */
  private async resume(tenantId: string, endpoint: WebhookEndpoint, through: number): Promise<number> {
    const from = endpoint.resumeFrom ?? through + 1;
    const queued = from <= through ? await this.replay(tenantId, endpoint, from, through) : 0;
    await this.options.store.updateEndpoint(tenantId, endpoint.id, (current) => {
      if (current.resumeFrom !== from) return current;
      const { resumeFrom: _done, ...rest } = current;
      return rest;
    });
    return queued;
  }

  /**
   * The sweep timer's look at one tenant: a fan-out when an endpoint receives (in case a notice
   * was lost), and a probe for a pause whose own probe was lost.
   */
  async sweep(tenantId: string): Promise<void> {
    const now = this.clock();
    const endpoints = (await this.options.store.endpoints(tenantId)).filter(
      (endpoint) => endpoint.status === "enabled",
    );
    if (endpoints.some((endpoint) => !endpoint.paused)) await this.options.queues.fanOut.send({ tenantId });
    for (const endpoint of endpoints) {
      const pause = endpoint.paused;
      if (pause && Date.parse(pause.until) + LOST_PROBE_MS <= now.getTime()) {
        await this.health.sendProbe(tenantId, endpoint.id, pause, now);
      }
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
        await this.options.queues.deliveries.send(this.message(tenantId, endpoint.id, event.sequence, 1));
        queued += 1;
      }
      const last = slice.events.at(-1)?.sequence;
      if (last === undefined || !slice.hasMore) return queued;
      after = last;
    }
    return queued;
  }

  async deliver(message: DeliveryMessage): Promise<void> {
    // Checked in memory before anything else: a paused endpoint's backlog costs no read and no slot.
    if (this.parkedInMemory(message)) return;
    const release = await this.slots.acquire(message.endpointId);
    if (!release) {
      // A slot frees when an attempt ends, at the latest after its deadline.
      const delay = Math.max(BUSY_DELAY_SECONDS, this.options.busyWaitSeconds ?? 0);
      await this.options.queues.deliveries.send(message, delay * (1 + 2 * Math.random()));
      return;
    }
    try {
      // It may have waited for its slot while the attempt before it paused the endpoint.
      if (!this.parkedInMemory(message)) await this.deliverNow(message);
    } finally {
      release();
    }
  }

  /** Deliveries in this process, all endpoints together (or one endpoint's). */
  inFlight(endpointId?: string): number {
    return this.slots.inUse(endpointId);
  }

  /** A delivery the endpoint's pause (as this process knows it) will send again when it resumes. */
  private parkedInMemory(message: DeliveryMessage): boolean {
    return this.health.droppable(message, this.clock());
  }

  private async deliverNow(message: DeliveryMessage): Promise<void> {
    const { tenantId, endpointId, sequence, attempt } = message;
    const { store, events } = this.options;
    const endpoint = await store.endpoint(tenantId, endpointId);
    if (!endpoint) return;
    this.health.remember(endpoint);
    if (message.probe && !endpoint.paused) return; // resumed meanwhile: the resume queues this event
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
    if (endpoint.paused) {
      // Only the pause's own probe, once due, goes out; an early or second one is dropped.
      if (!message.probe || !probeDue(endpoint.paused, this.clock())) {
        await this.health.park(tenantId, endpoint.paused, endpointId, sequence);
        return;
      }
    }
    await this.attempt(tenantId, endpoint, event, attempt, message.probe === true);
  }

  private message(tenantId: string, endpointId: string, sequence: number, attempt: number): DeliveryMessage {
    return deliveryMessage(tenantId, endpointId, sequence, attempt, this.clock());
  }

  /**
   * Ends the endpoint's pause now (an operator enabled it or replays to it): it resumes from where
   * the pause began, at a fan-out queued here.
   */
  endPause(tenantId: string, endpointId: string): Promise<void> {
    return this.health.endPause(tenantId, endpointId);
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

  private async attempt(
    tenantId: string,
    endpoint: WebhookEndpoint,
    event: DirectoryEvent,
    attempt: number,
    probe: boolean,
  ) {
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
      ...(probe ? { probe } : {}),
      ...(ok ? {} : { error: result.error ?? `HTTP ${result.status ?? 0}` }),
    });
    if (ok) {
      await this.record(tenantId, endpoint.id, event, { status: "delivered", ...outcome });
      if (hasFailureState(endpoint)) await this.health.noteSuccess(tenantId, endpoint.id);
      return;
    }
    const lastError = result.error ?? `HTTP ${result.status ?? 0}`;
    const failed = { sequence: event.sequence, timedOut: result.timedOut === true, probe, now };
    const { after, opened } = await this.health.noteFailure(tenantId, endpoint, failed);
    if (after?.status === "enabled" && after.paused) {
      // The pause covers this event: it is sent again when the endpoint resumes, not on its own schedule.
      if (opened) await this.health.sendProbe(tenantId, endpoint.id, after.paused, now);
      await this.record(tenantId, endpoint.id, event, {
        status: "retrying",
        ...outcome,
        lastError: `${lastError}; deliveries paused until ${after.paused.until}`,
        nextAttemptAt: after.paused.until,
      });
      return;
    }
    const delay = attempt < MAX_ATTEMPTS ? retryDelaySeconds(attempt) : undefined;
    await this.record(tenantId, endpoint.id, event, {
      status: delay === undefined ? "failed" : "retrying",
      ...outcome,
      lastError,
      ...(delay === undefined ? {} : { nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString() }),
    });
    if (delay !== undefined && after?.status === "enabled") {
      await this.options.queues.deliveries.send(
        this.message(tenantId, endpoint.id, event.sequence, attempt + 1),
        delay,
      );
    }
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
