import { randomUUID } from "node:crypto";
import { ApiError } from "../events/apiError";
import type { EventLog } from "../events/eventLog";
import { isEventType, type EventType } from "../events/eventTypes";
import type { CredentialStore, TenantCredentials, WebhookSecretRecord } from "../tenants/credentialStore";
import { isLive } from "../tenants/credentials";
import { afterSuccess } from "./pause";
import { generateWebhookSecret } from "./signing";
import type { WebhookDelivery } from "./webhookDelivery";
import type { DeliveryRecord, WebhookEndpoint, WebhookStore } from "./webhookStore";
import { checkWebhookUrl, type TargetPolicy } from "./webhookUrl";

const MAX_ENDPOINTS_PER_TENANT = 10;
export const DEFAULT_OVERLAP_HOURS = 24;
const MAX_DESCRIPTION_CHARS = 200;
const HOUR_MS = 60 * 60 * 1000;

export interface NewEndpoint {
  readonly url: string;
  /** Empty or absent: every event type. */
  readonly eventTypes?: readonly string[];
  readonly description?: string;
}

export interface CreatedEndpoint {
  readonly endpoint: WebhookEndpoint;
  /** The signing secret (`whsec_…`), shown once. */
  readonly secret: string;
}

function notFound(id: string): ApiError {
  return new ApiError(404, "not_found", `No webhook endpoint '${id}' in this tenant.`);
}

function eventTypesOf(types: readonly string[] | undefined): EventType[] {
  const unknown = (types ?? []).filter((type) => !isEventType(type));
  if (unknown.length > 0) {
    throw new ApiError(400, "invalid_event_type", `Unknown event type(s): ${unknown.join(", ")}.`);
  }
  return [...new Set(types as EventType[] | undefined)];
}

function withSecrets(
  doc: TenantCredentials,
  webhookSecrets: readonly WebhookSecretRecord[],
): TenantCredentials {
  return { ...doc, webhookSecrets };
}

/** Registering, listing, removing and re-keying a tenant's webhook endpoints, and replaying events to one. */
export class WebhookAdmin {
  constructor(
    private readonly store: WebhookStore,
    private readonly credentials: CredentialStore,
    private readonly events: EventLog,
    private readonly delivery: WebhookDelivery | undefined,
    private readonly policy: TargetPolicy,
    private readonly clock: () => Date = () => new Date(),
    /** Told after an endpoint is added, removed or enabled (this process's caches of it). */
    private readonly changed: (tenantId: string) => void = () => undefined,
  ) {}

  async add(tenantId: string, input: NewEndpoint): Promise<CreatedEndpoint> {
    const url = checkWebhookUrl(input.url, this.policy).toString();
    const eventTypes = eventTypesOf(input.eventTypes);
    const description = input.description?.slice(0, MAX_DESCRIPTION_CHARS);
    const existing = await this.store.endpoints(tenantId);
    if (existing.length >= MAX_ENDPOINTS_PER_TENANT) {
      throw new ApiError(
        400,
        "too_many_endpoints",
        `A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints.`,
      );
    }
    const now = this.clock().toISOString();
    const endpoint: WebhookEndpoint = {
      id: `we_${randomUUID().replace(/-/g, "")}`,
      url,
      eventTypes,
      status: "enabled",
      created: now,
      ...(description ? { description } : {}),
    };
    const secret = generateWebhookSecret();
    // The secret first: an endpoint never exists without one to sign with.
    await this.credentials.update(tenantId, (doc) =>
      withSecrets(doc, [...(doc.webhookSecrets ?? []), { endpointId: endpoint.id, secret, created: now }]),
    );
    // Only events from now on: with no endpoint listening yet, the fan-out position moves to the feed's end.
    if (existing.every((other) => other.status !== "enabled")) {
      await this.events.sequence(tenantId);
      const dispatched = await this.store.dispatched(tenantId);
      await this.store.setDispatched(tenantId, (await this.events.position(tenantId)).last, dispatched.etag);
    }
    await this.store.createEndpoint(tenantId, endpoint);
    this.changed(tenantId);
    return { endpoint, secret };
  }

  list(tenantId: string): Promise<WebhookEndpoint[]> {
    return this.store.endpoints(tenantId);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.store.endpoint(tenantId, id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if (!(await this.store.removeEndpoint(tenantId, id))) throw notFound(id);
    this.changed(tenantId);
    await this.credentials.update(tenantId, (doc) =>
      withSecrets(
        doc,
        (doc.webhookSecrets ?? []).filter((secret) => secret.endpointId !== id),
      ),
    );
  }

  /** A new secret; the current ones keep signing (beside it) for `overlapHours`. */
  async rotateSecret(tenantId: string, id: string, overlapHours = DEFAULT_OVERLAP_HOURS): Promise<string> {
    await this.get(tenantId, id);
    if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > 24 * 30) {
      throw new ApiError(400, "invalid_parameter", "The overlap must be 0 to 720 hours.");
    }
    const now = this.clock();
    const retireAt = new Date(now.getTime() + overlapHours * HOUR_MS).toISOString();
    const secret = generateWebhookSecret();
    await this.credentials.update(tenantId, (doc) => {
      const kept = (doc.webhookSecrets ?? [])
        .filter((record) => record.endpointId !== id || isLive(record.expiresAt, now))
        .map((record) =>
          record.endpointId === id && (record.expiresAt === undefined || record.expiresAt > retireAt)
            ? { ...record, expiresAt: retireAt }
            : record,
        );
      return withSecrets(doc, [...kept, { endpointId: id, secret, created: now.toISOString() }]);
    });
    return secret;
  }

  async enable(tenantId: string, id: string): Promise<WebhookEndpoint> {
    // A fresh start: no failure run, and what a pause held back is queued again by the next fan-out.
    const updated = await this.store.updateEndpoint(tenantId, id, (current) => {
      const { disabledReason: _reason, ...endpoint } = afterSuccess(current);
      return { ...endpoint, status: "enabled" };
    });
    if (!updated) throw notFound(id);
    this.changed(tenantId);
    // What a pause held back is sent by a fan-out now, not at the tenant's next change.
    if (updated.resumeFrom !== undefined) await this.delivery?.endPause(tenantId, id);
    return updated;
  }

  /** Delivers the endpoint's events with sequences from..to again; returns how many were queued. */
  async replay(tenantId: string, id: string, from: number, to?: number): Promise<number> {
    const endpoint = await this.get(tenantId, id);
    if (!this.delivery) throw new ApiError(503, "unavailable", "Webhook delivery has no queue configured.");
    const position = await this.events.position(tenantId);
    const last = to ?? position.last;
    if (!Number.isInteger(from) || from < 1 || !Number.isInteger(last) || last < from) {
      throw new ApiError(400, "invalid_parameter", "The range must be sequences from >= 1 to >= from.");
    }
    if (from <= position.purgedThrough) {
      throw new ApiError(410, "cursor_expired", `Events up to ${position.purgedThrough} have expired.`);
    }
    // Replaying says the endpoint is back: a pause would hold the replay back, so it ends.
    if (endpoint.paused) await this.delivery.endPause(tenantId, id);
    return this.delivery.replay(tenantId, endpoint, from, last);
  }

  /** Expires delivery-log entries as old as expired events (the retention job). */
  purgeDeliveries(tenantId: string, before: Date): Promise<number> {
    return this.store.purgeDeliveries(tenantId, before);
  }

  async deliveries(tenantId: string, id: string, limit: number): Promise<DeliveryRecord[]> {
    await this.get(tenantId, id);
    return this.store.deliveries(tenantId, id, limit);
  }
}
