import type { TableClient } from "@azure/data-tables";
import {
  DEFAULT_TENANT_SCHEMA,
  parseTenantSchema,
  serializeTenantSchema,
  type TenantSchema,
} from "../scim/schema/tenantSchema";
import type { TenantSchemaRepository } from "../service/tenantResourceTypes";
import { TableDocument } from "./tableDocument";

/** Row of the tenant's partition in the tenants table that holds its schema document. */
const SCHEMA_ROW = "schema";

/**
 * A tenant's declared extension attributes: row `schema` of its partition in the tenants table,
 * one JSON document (TenantSchema), changed under the row's ETag so concurrent CLI runs keep
 * each other's declarations.
 */
export class TableTenantSchemas implements TenantSchemaRepository {
  private readonly document: TableDocument<TenantSchema>;

  constructor(client: TableClient) {
    this.document = new TableDocument(client, SCHEMA_ROW, {
      parse: parseTenantSchema,
      serialize: serializeTenantSchema,
      empty: DEFAULT_TENANT_SCHEMA,
    });
  }

  read(tenantId: string): Promise<TenantSchema> {
    return this.document.read(tenantId);
  }

  update(tenantId: string, change: (current: TenantSchema) => TenantSchema): Promise<TenantSchema> {
    return this.document.update(tenantId, change);
  }
}
