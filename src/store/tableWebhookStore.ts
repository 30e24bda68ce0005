import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import type {
  DeliveryRecord,
  DispatchPosition,
  WebhookEndpoint,
  WebhookStore,
} from "../webhooks/webhookStore";
import { encodeKeyPart, prefixRange } from "./keys";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";
import { purgeRows } from "./purgeRows";
import { MAX_TRANSACTION_ACTIONS } from "./transactionLimit";

const ENDPOINT_PREFIX = "webhook|";
const DELIVERY_PREFIX = "delivery|";
const DISPATCH_ROW = "webhookDispatch";
const MAX_CONFLICTS = 5;
/** Sequences are inverted in delivery keys, so the newest delivery sorts first. */
const LATEST_SEQUENCE = 999_999_999_999_999;

type DocumentRow = { partitionKey: string; rowKey: string; document: string };
type DispatchRow = { partitionKey: string; rowKey: string; through: number };

function deliveryPrefix(endpointId: string): string {
  return `${DELIVERY_PREFIX}${encodeKeyPart(endpointId)}|`;
}

function deliveryKey(endpointId: string, sequence: number): string {
  return `${deliveryPrefix(endpointId)}${String(LATEST_SEQUENCE - sequence).padStart(15, "0")}`;
}

/** Webhook endpoints and their delivery log in the tenant's partition of the tenants table. */
export class TableWebhookStore implements WebhookStore {
  constructor(private readonly client: TableClient) {}

  async endpoints(tenantId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.range<DocumentRow>(tenantId, ENDPOINT_PREFIX);
    return rows.map((row) => JSON.parse(row.document) as WebhookEndpoint);
  }

  async endpoint(tenantId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.read(tenantId, ENDPOINT_PREFIX + encodeKeyPart(id));
    return row ? (JSON.parse(row.document) as WebhookEndpoint) : undefined;
  }

  async createEndpoint(tenantId: string, endpoint: WebhookEndpoint): Promise<void> {
    try {
      await this.client.createEntity(this.endpointRow(tenantId, endpoint));
    } catch (error) {
      unavailable(error);
    }
  }

  async updateEndpoint(
    tenantId: string,
    id: string,
    change: (endpoint: WebhookEndpoint) => WebhookEndpoint,
  ): Promise<WebhookEndpoint | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const row = await this.read(tenantId, ENDPOINT_PREFIX + encodeKeyPart(id));
      if (!row) return undefined;
      const next = change(JSON.parse(row.document) as WebhookEndpoint);
      try {
        await this.client.updateEntity(this.endpointRow(tenantId, next), "Replace", { etag: row.etag });
        return next;
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return undefined;
        if (status !== 412 || attempt >= MAX_CONFLICTS) unavailable(error);
      }
    }
  }

  async removeEndpoint(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.client.deleteEntity(tenantId, ENDPOINT_PREFIX + encodeKeyPart(id));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      return unavailable(error);
    }
  }

  async recordDelivery(tenantId: string, record: DeliveryRecord): Promise<void> {
    try {
      await this.client.upsertEntity(this.deliveryRow(tenantId, record), "Replace");
    } catch (error) {
      unavailable(error);
    }
  }

  async recordDeliveries(tenantId: string, records: readonly DeliveryRecord[]): Promise<void> {
    try {
      for (let start = 0; start < records.length; start += MAX_TRANSACTION_ACTIONS) {
        await this.client.submitTransaction(
          records
            .slice(start, start + MAX_TRANSACTION_ACTIONS)
            .map((record): TransactionAction => ["upsert", this.deliveryRow(tenantId, record), "Replace"]),
        );
      }
    } catch (error) {
      unavailable(error);
    }
  }

  private deliveryRow(tenantId: string, record: DeliveryRecord): DocumentRow {
    return {
      partitionKey: tenantId,
      rowKey: deliveryKey(record.endpointId, record.sequence),
      document: JSON.stringify(record),
    };
  }

  async deliveries(tenantId: string, endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.range<DocumentRow>(tenantId, deliveryPrefix(endpointId), limit);
    return rows.map((row) => JSON.parse(row.document) as DeliveryRecord);
  }

  async purgeDeliveries(tenantId: string, before: Date): Promise<number> {
    const { from, to } = prefixRange(DELIVERY_PREFIX);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to} and Timestamp lt ${before}`;
    return purgeRows(this.client, tenantId, filter);
  }

  async dispatched(tenantId: string): Promise<DispatchPosition> {
    try {
      const row = await this.client.getEntity<DispatchRow>(tenantId, DISPATCH_ROW);
      return { through: row.through, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return { through: 0 };
      return unavailable(error);
    }
  }

  async setDispatched(tenantId: string, through: number, etag: string | undefined): Promise<boolean> {
    const row: DispatchRow = { partitionKey: tenantId, rowKey: DISPATCH_ROW, through };
    try {
      if (etag === undefined) await this.client.createEntity(row);
      else await this.client.updateEntity(row, "Replace", { etag });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return false;
      return unavailable(error);
    }
  }

  private endpointRow(tenantId: string, endpoint: WebhookEndpoint): DocumentRow {
    return {
      partitionKey: tenantId,
      rowKey: ENDPOINT_PREFIX + encodeKeyPart(endpoint.id),
      document: JSON.stringify(endpoint),
    };
  }

  private async read(
    tenantId: string,
    rowKey: string,
  ): Promise<(DocumentRow & { etag: string }) | undefined> {
    try {
      return await this.client.getEntity<DocumentRow>(tenantId, rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }

  private async range<T extends object>(tenantId: string, prefix: string, limit?: number): Promise<T[]> {
    const { from, to } = prefixRange(prefix);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
    const rows: T[] = [];
    try {
      for await (const row of this.client.listEntities<T>({ queryOptions: { filter } })) {
        rows.push(row);
        if (limit !== undefined && rows.length >= limit) break;
      }
    } catch (error) {
      unavailable(error);
    }
    return rows;
  }
}
