import type { EventType } from "../events/eventTypes";
import type { EndpointPause } from "./pause";

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  /** The event types it receives; empty for every type. */
  readonly eventTypes: readonly EventType[];
  readonly status: "enabled" | "disabled";
  readonly created: string;
  readonly description?: string;
  readonly disabledReason?: string;
  /** When the current run of failed deliveries began; absent after a success. */
  readonly failingSince?: string;
  /** Failed attempts in the current run. */
  readonly failures?: number;
  /** Deliveries paused after timeouts or failures in a row (see pause.ts); absent while delivering. */
  readonly paused?: EndpointPause;
  /** After a pause: the next fan-out queues this endpoint's events from this sequence on again. */
  readonly resumeFrom?: number;
}

type DeliveryStatus = "pending" | "delivered" | "retrying" | "failed" | "skipped";

/** One event's delivery to one endpoint, as the delivery log keeps it (the latest attempt wins). */
export interface DeliveryRecord {
  readonly endpointId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatus?: number;
  readonly lastError?: string;
  readonly latencyMs?: number;
  readonly updated: string;
  readonly nextAttemptAt?: string;
}

export interface DispatchPosition {
  /** Every event up to this sequence has been handed to the delivery queue. */
  readonly through: number;
  readonly etag?: string;
}

/** Endpoints, their delivery log, and how far the tenant's events were fanned out. */
export interface WebhookStore {
  endpoints(tenantId: string): Promise<WebhookEndpoint[]>;
  endpoint(tenantId: string, id: string): Promise<WebhookEndpoint | undefined>;
  createEndpoint(tenantId: string, endpoint: WebhookEndpoint): Promise<void>;
  /** Applies `change` under the row's ETag (retrying on a conflict); undefined when there is no such endpoint. */
  updateEndpoint(
    tenantId: string,
    id: string,
    change: (endpoint: WebhookEndpoint) => WebhookEndpoint,
  ): Promise<WebhookEndpoint | undefined>;
  removeEndpoint(tenantId: string, id: string): Promise<boolean>;
  recordDelivery(tenantId: string, record: DeliveryRecord): Promise<void>;
  /** Several at once (a fan-out's pending deliveries), in as few round trips as the store allows. */
  recordDeliveries(tenantId: string, records: readonly DeliveryRecord[]): Promise<void>;
  /** The endpoint's deliveries, newest event first. */
  deliveries(tenantId: string, endpointId: string, limit: number): Promise<DeliveryRecord[]>;
  /** Deletes delivery-log entries last written before `before`; returns how many. */
  purgeDeliveries(tenantId: string, before: Date): Promise<number>;
  dispatched(tenantId: string): Promise<DispatchPosition>;
  /** Moves the fan-out position under its ETag; false when another fan-out moved it first. */
  setDispatched(tenantId: string, through: number, etag: string | undefined): Promise<boolean>;
}
