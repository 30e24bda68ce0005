import { odata, type TableClient } from "@azure/data-tables";
import type { Change, CredentialStore, SigningKey, TenantCredentials } from "../tenants/credentialStore";
import {
  EMPTY_CREDENTIALS,
  parseCredentials,
  parseSigningKeys,
  serializeCredentials,
  serializeSigningKeys,
} from "../tenants/credentials";
import type { Tenant, TenantRegistry, TenantStatus } from "../tenants/tenantRegistry";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";
import { TableDocument } from "./tableDocument";

const TENANT_ROW = "tenant";
const CREDENTIALS_ROW = "credentials";
/** Tenant ids start with a letter or digit, so this partition is no tenant's. */
const DEPLOYMENT_PARTITION = "_deployment";
const SIGNING_KEYS_ROW = "signingKeys";

type TenantRow = {
  partitionKey: string;
  rowKey: string;
  status: TenantStatus;
  created: string;
  debugUntil?: string;
};

function tenantOf(tenantId: string, row: TenantRow): Tenant {
  return {
    tenantId,
    status: row.status,
    created: row.created,
    ...(row.debugUntil ? { debugUntil: row.debugUntil } : {}),
  };
}

/**
 * The tenant registry and the local credential store, in one table. The partition is the tenant:
 * row `tenant` its registration, row `credentials` the same JSON document Key Vault keeps (token
 * and client-secret hashes), updated with ETags so concurrent CLI runs do not lose a change.
 */
export class TableTenants implements TenantRegistry, CredentialStore {
  private readonly credentialDocument: TableDocument<TenantCredentials>;
  private readonly signingKeyDocument: TableDocument<readonly SigningKey[]>;

  constructor(private readonly client: TableClient) {
    this.credentialDocument = new TableDocument(client, CREDENTIALS_ROW, {
      parse: parseCredentials,
      serialize: serializeCredentials,
      empty: EMPTY_CREDENTIALS,
    });
    this.signingKeyDocument = new TableDocument(client, SIGNING_KEYS_ROW, {
      parse: parseSigningKeys,
      serialize: serializeSigningKeys,
      empty: [],
    });
  }

  async create(tenantId: string, now: Date): Promise<boolean> {
    const row: TenantRow = {
      partitionKey: tenantId,
      rowKey: TENANT_ROW,
      status: "active",
      created: now.toISOString(),
    };
    try {
      await this.client.createEntity(row);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      return unavailable(error);
    }
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    try {
      const row = await this.client.getEntity<TenantRow>(tenantId, TENANT_ROW);
      return tenantOf(tenantId, row);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }

  async list(): Promise<Tenant[]> {
    const tenants: Tenant[] = [];
    try {
      for await (const row of this.client.listEntities<TenantRow>({
        queryOptions: { filter: odata`RowKey eq ${TENANT_ROW}` },
      })) {
        tenants.push(tenantOf(row.partitionKey, row));
      }
    } catch (error) {
      unavailable(error);
    }
    return tenants;
  }

  async setDebugUntil(tenantId: string, until: Date | undefined): Promise<void> {
    try {
      // An empty string clears it: a merge cannot remove a property.
      const debugUntil = until ? until.toISOString() : "";
      await this.client.updateEntity({ partitionKey: tenantId, rowKey: TENANT_ROW, debugUntil }, "Merge");
    } catch (error) {
      unavailable(error);
    }
  }

  async setStatus(tenantId: string, status: TenantStatus): Promise<void> {
    try {
      await this.client.updateEntity({ partitionKey: tenantId, rowKey: TENANT_ROW, status }, "Merge");
    } catch (error) {
      unavailable(error);
    }
  }

  read(tenantId: string): Promise<TenantCredentials> {
    return this.credentialDocument.read(tenantId);
  }

  update(tenantId: string, change: Change<TenantCredentials>): Promise<TenantCredentials> {
    return this.credentialDocument.update(tenantId, change);
  }

  readSigningKeys(): Promise<readonly SigningKey[]> {
    return this.signingKeyDocument.read(DEPLOYMENT_PARTITION);
  }

  updateSigningKeys(change: Change<readonly SigningKey[]>): Promise<readonly SigningKey[]> {
    return this.signingKeyDocument.update(DEPLOYMENT_PARTITION, change);
  }
}
