import type { TableClient } from "@azure/data-tables";
import {
  DEFAULT_TENANT_SCHEMA,
  parseTenantSchema,
  serializeTenantSchema,
  type TenantSchema,
} from "../scim/schema/tenantSchema";
import type { TenantSchemaRepository } from "../service/tenantResourceTypes";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";

/** Row of the tenant's partition in the tenants table that holds its schema document. */
export const SCHEMA_ROW = "schema";
const MAX_UPDATE_ATTEMPTS = 5;

type SchemaRow = { partitionKey: string; rowKey: string; document: string };

/**
 * A tenant's declared extension attributes: row `schema` of its partition in the tenants table,
 * one JSON document (TenantSchema), changed under the row's ETag so concurrent CLI runs keep
 * each other's declarations.
 */
export class TableTenantSchemas implements TenantSchemaRepository {
  constructor(private readonly client: TableClient) {}

  async read(tenantId: string): Promise<TenantSchema> {
    const row = await this.readRow(tenantId);
    return row ? parseTenantSchema(row.document) : DEFAULT_TENANT_SCHEMA;
  }

  async update(tenantId: string, change: (current: TenantSchema) => TenantSchema): Promise<TenantSchema> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.readRow(tenantId);
      const next = change(current ? parseTenantSchema(current.document) : DEFAULT_TENANT_SCHEMA);
      const row: SchemaRow = {
        partitionKey: tenantId,
        rowKey: SCHEMA_ROW,
        document: serializeTenantSchema(next),
      };
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

  private async readRow(tenantId: string): Promise<(SchemaRow & { etag: string }) | undefined> {
    try {
      return await this.client.getEntity<SchemaRow>(tenantId, SCHEMA_ROW);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }
}
