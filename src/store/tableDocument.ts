import type { TableClient } from "@azure/data-tables";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";

const MAX_UPDATE_ATTEMPTS = 5;

type DocumentRow = { partitionKey: string; rowKey: string; document: string };

/**
 * One JSON document in one row (a tenant's schema declarations, its federated trusts), changed
 * under the row's ETag: two concurrent changes both land, the later one re-applied on the
 * earlier's result.
 */
export class TableDocument<T> {
  constructor(
    private readonly client: TableClient,
    private readonly rowKey: string,
    private readonly format: {
      readonly parse: (text: string) => T;
      readonly serialize: (value: T) => string;
      readonly empty: T;
    },
  ) {}

  async read(partitionKey: string): Promise<T> {
    const row = await this.readRow(partitionKey);
    return row ? this.format.parse(row.document) : this.format.empty;
  }

  async update(partitionKey: string, change: (current: T) => T): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.readRow(partitionKey);
      const next = change(current ? this.format.parse(current.document) : this.format.empty);
      const row: DocumentRow = { partitionKey, rowKey: this.rowKey, document: this.format.serialize(next) };
      try {
        if (current) await this.client.updateEntity(row, "Replace", { etag: current.etag });
        else await this.client.createEntity(row);
        return next;
      } catch (error) {
        const conflict = statusOf(error) === 412 || statusOf(error) === 409;
        if (!conflict || attempt >= MAX_UPDATE_ATTEMPTS) unavailable(error);
      }
    }
  }

  private async readRow(partitionKey: string): Promise<(DocumentRow & { etag: string }) | undefined> {
    try {
      return await this.client.getEntity<DocumentRow>(partitionKey, this.rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }
}
