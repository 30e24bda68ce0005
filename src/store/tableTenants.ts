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

const TENANT_ROW = "tenant";
const CREDENTIALS_ROW = "credentials";
/** Tenant ids start with a letter or digit, so this partition is no tenant's. */
const DEPLOYMENT_PARTITION = "_deployment";
const SIGNING_KEYS_ROW = "signingKeys";
const MAX_UPDATE_ATTEMPTS = 5;

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
type DocumentRow = { partitionKey: string; rowKey: string; document: string };

/**
 * The tenant registry and the local credential store, in one table. The partition is the tenant:
 * row `tenant` its registration, row `credentials` the same JSON document Key Vault keeps (token
 * and client-secret hashes), updated with ETags so concurrent CLI runs do not lose a change.
 */
export class TableTenants implements TenantRegistry, CredentialStore {
  constructor(private readonly client: TableClient) {}

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

  async read(tenantId: string): Promise<TenantCredentials> {
    const row = await this.readDocument(tenantId, CREDENTIALS_ROW);
    return row ? parseCredentials(row.document) : EMPTY_CREDENTIALS;
  }

  update(tenantId: string, change: Change<TenantCredentials>): Promise<TenantCredentials> {
    return this.updateDocument(tenantId, CREDENTIALS_ROW, (text) => {
      const next = change(text === undefined ? EMPTY_CREDENTIALS : parseCredentials(text));
      return { value: next, text: serializeCredentials(next) };
    });
  }

  async readSigningKeys(): Promise<readonly SigningKey[]> {
    const row = await this.readDocument(DEPLOYMENT_PARTITION, SIGNING_KEYS_ROW);
    return row ? parseSigningKeys(row.document) : [];
  }

  updateSigningKeys(change: Change<readonly SigningKey[]>): Promise<readonly SigningKey[]> {
    return this.updateDocument(DEPLOYMENT_PARTITION, SIGNING_KEYS_ROW, (text) => {
      const next = change(text === undefined ? [] : parseSigningKeys(text));
      return { value: next, text: serializeSigningKeys(next) };
    });
  }

  private async readDocument(
    partitionKey: string,
    rowKey: string,
  ): Promise<(DocumentRow & { etag: string }) | undefined> {
    try {
      return await this.client.getEntity<DocumentRow>(partitionKey, rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }

  private async updateDocument<T>(
    partitionKey: string,
    rowKey: string,
    change: (text: string | undefined) => { value: T; text: string },
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.readDocument(partitionKey, rowKey);
      const next = change(current?.document);
      const row: DocumentRow = { partitionKey, rowKey, document: next.text };
      try {
        if (current) await this.client.updateEntity(row, "Replace", { etag: current.etag });
        else await this.client.createEntity(row);
        return next.value;
      } catch (error) {
        const conflict = statusOf(error) === 412 || statusOf(error) === 409;
        if (!conflict || attempt >= MAX_UPDATE_ATTEMPTS) unavailable(error);
      }
    }
  }
}
