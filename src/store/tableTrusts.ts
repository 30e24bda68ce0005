import type { TableClient } from "@azure/data-tables";
import {
  parseTrusts,
  serializeTrusts,
  type FederatedTrust,
  type TrustRepository,
} from "../tenants/federation/trusts";
import { TableDocument } from "./tableDocument";

/** Row of the tenant's partition in the tenants table that holds its federated trusts. */
const TRUSTS_ROW = "trusts";

/** A tenant's workload identity federation trusts: one JSON document, changed under its ETag. */
export class TableTrusts implements TrustRepository {
  private readonly document: TableDocument<readonly FederatedTrust[]>;

  constructor(client: TableClient) {
    this.document = new TableDocument(client, TRUSTS_ROW, {
      parse: parseTrusts,
      serialize: serializeTrusts,
      empty: [],
    });
  }

  read(tenantId: string): Promise<readonly FederatedTrust[]> {
    return this.document.read(tenantId);
  }

  update(
    tenantId: string,
    change: (current: readonly FederatedTrust[]) => readonly FederatedTrust[],
  ): Promise<readonly FederatedTrust[]> {
    return this.document.update(tenantId, change);
  }
}
