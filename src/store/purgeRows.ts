import type { TableClient, TransactionAction } from "@azure/data-tables";
import { unavailable } from "../service/storageUnavailable";
import { MAX_TRANSACTION_ACTIONS } from "./transactionLimit";

/**
 * Deletes the rows of one partition that `filter` selects, a page at a time, each page in one
 * transaction; returns how many. Storage faults become 503s.
 */
export async function purgeRows(client: TableClient, tenantId: string, filter: string): Promise<number> {
  let purged = 0;
  try {
    for await (const page of client
      .listEntities({ queryOptions: { filter, select: ["RowKey"] } })
      .byPage({ maxPageSize: MAX_TRANSACTION_ACTIONS })) {
      const actions = page.map((row): TransactionAction => [
        "delete",
        { partitionKey: tenantId, rowKey: String(row.rowKey) },
      ]);
      if (actions.length > 0) await client.submitTransaction(actions);
      purged += actions.length;
    }
  } catch (error) {
    unavailable(error);
  }
  return purged;
}
