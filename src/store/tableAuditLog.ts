import { odata, type TableClient } from "@azure/data-tables";
import type { AuditRecord } from "../service/audit";
import type { AuditLog, AuditPage, AuditQuery } from "../service/auditLog";
import { AUDIT_PREFIX, auditEntity, auditTimeKey, recordOf, type AuditEntity } from "./auditRows";
import { checkContinuationToken } from "./continuationTokens";
import { prefixRange } from "./keys";
import { unavailable } from "../service/storageUnavailable";
import { purgeRows } from "./purgeRows";

/** The audit rows (`a|<inverted time>|<id>`) of each tenant's partition. */
export class TableAuditLog implements AuditLog {
  constructor(private readonly client: TableClient) {}

  async list(tenantId: string, query: AuditQuery): Promise<AuditPage> {
    const { from, to } = prefixRange(AUDIT_PREFIX);
    // Newest first: records at or after `since` have keys up to since's inverted time.
    const upper = query.since ? `${auditTimeKey(query.since)}}` : to;
    let filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${upper}`;
    if (query.resourceId !== undefined) filter += odata` and resourceId eq ${query.resourceId}`;
    if (query.cursor) checkContinuationToken(query.cursor);
    try {
      const pages = this.client
        .listEntities<AuditEntity>({ queryOptions: { filter } })
        .byPage({ maxPageSize: query.limit, ...(query.cursor ? { continuationToken: query.cursor } : {}) });
      for await (const page of pages) {
        return {
          records: page.map(recordOf),
          ...(page.continuationToken ? { next: page.continuationToken } : {}),
        };
      }
    } catch (error) {
      unavailable(error);
    }
    return { records: [] };
  }

  async purge(tenantId: string, before: Date): Promise<number> {
    const { to } = prefixRange(AUDIT_PREFIX);
    // Older records have larger inverted keys: one range read of exactly the expired ones.
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${auditTimeKey(before)} and RowKey lt ${to}`;
    return purgeRows(this.client, tenantId, filter);
  }

  async append(tenantId: string, record: AuditRecord): Promise<void> {
    try {
      await this.client.createEntity(auditEntity(tenantId, record));
    } catch (error) {
      unavailable(error);
    }
  }
}
