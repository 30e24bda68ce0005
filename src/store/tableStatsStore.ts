import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import type { StatsStore } from "../diagnostics/requestStats";
import type { WindowStats } from "../diagnostics/stats";
import { prefixRange } from "./keys";
import { unavailable } from "../service/storageUnavailable";
import { MAX_TRANSACTION_ACTIONS } from "./transactionLimit";

const PREFIX = "s|";

type StatsRow = { partitionKey: string; rowKey: string; stats: string };

/** Request counters in each tenant's partition: `s|<window start>|<instance>`. */
export class TableStatsStore implements StatsStore {
  constructor(private readonly client: TableClient) {}

  async write(tenantId: string, instanceId: string, stats: readonly WindowStats[]): Promise<void> {
    const actions = stats.map((window): TransactionAction => [
      "upsert",
      {
        partitionKey: tenantId,
        rowKey: `${PREFIX}${window.window}|${instanceId}`,
        stats: JSON.stringify(window),
      },
      "Replace",
    ]);
    try {
      for (let start = 0; start < actions.length; start += MAX_TRANSACTION_ACTIONS) {
        await this.client.submitTransaction(actions.slice(start, start + MAX_TRANSACTION_ACTIONS));
      }
    } catch (error) {
      unavailable(error);
    }
  }

  async read(tenantId: string, since: Date): Promise<WindowStats[]> {
    const { to } = prefixRange(PREFIX);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${PREFIX + since.toISOString()} and RowKey lt ${to}`;
    const windows: WindowStats[] = [];
    try {
      for await (const row of this.client.listEntities<StatsRow>({ queryOptions: { filter } })) {
        windows.push(JSON.parse(row.stats) as WindowStats);
      }
    } catch (error) {
      unavailable(error);
    }
    return windows;
  }

  async purge(tenantId: string, before: Date): Promise<void> {
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${PREFIX} and RowKey lt ${PREFIX + before.toISOString()}`;
    try {
      const pages = this.client
        .listEntities({ queryOptions: { filter, select: ["RowKey"] } })
        .byPage({ maxPageSize: 100 });
      for await (const page of pages) {
        const actions = page.map((row): TransactionAction => [
          "delete",
          { partitionKey: tenantId, rowKey: String(row.rowKey) },
        ]);
        if (actions.length > 0) await this.client.submitTransaction(actions);
      }
    } catch (error) {
      unavailable(error);
    }
  }
}
