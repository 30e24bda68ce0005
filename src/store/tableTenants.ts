import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import type { CredentialStore, TokenRecord } from "../tenants/credentialStore";
import type { Tenant, TenantRegistry, TenantStatus } from "../tenants/tenantRegistry";
import { prefixRange } from "./keys";
import { statusOf, unavailable } from "./storageErrors";

const TENANT_ROW = "tenant";
const TOKEN_PREFIX = "token|";

type TenantRow = { partitionKey: string; rowKey: string; status: TenantStatus; created: string };
type TokenRow = { partitionKey: string; rowKey: string; hash: string; created: string; expiresAt?: string };

function toRecord(row: TokenRow): TokenRecord {
  return {
    tokenId: row.rowKey.slice(TOKEN_PREFIX.length),
    hash: row.hash,
    created: row.created,
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
  };
}

/**
 * The tenant registry and the local credential store, in one table: the partition is the tenant,
 * row `tenant` its registration, rows `token|<id>` hashes of its Secret Tokens.
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
      return { tenantId, status: row.status, created: row.created };
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
        tenants.push({ tenantId: row.partitionKey, status: row.status, created: row.created });
      }
    } catch (error) {
      unavailable(error);
    }
    return tenants;
  }

  async setStatus(tenantId: string, status: TenantStatus): Promise<void> {
    try {
      await this.client.updateEntity({ partitionKey: tenantId, rowKey: TENANT_ROW, status }, "Merge");
    } catch (error) {
      unavailable(error);
    }
  }

  async addToken(tenantId: string, hash: string, now: Date, retirePreviousAt?: Date): Promise<TokenRecord> {
    if (retirePreviousAt) {
      for (const token of await this.validTokens(tenantId, now)) {
        if (token.expiresAt && new Date(token.expiresAt) <= retirePreviousAt) continue;
        await this.client.updateEntity(
          {
            partitionKey: tenantId,
            rowKey: TOKEN_PREFIX + token.tokenId,
            expiresAt: retirePreviousAt.toISOString(),
          },
          "Merge",
        );
      }
    }
    const row: TokenRow = {
      partitionKey: tenantId,
      rowKey: TOKEN_PREFIX + randomUUID(),
      hash,
      created: now.toISOString(),
    };
    try {
      await this.client.createEntity(row);
    } catch (error) {
      unavailable(error);
    }
    return toRecord(row);
  }

  async validTokens(tenantId: string, now: Date): Promise<TokenRecord[]> {
    const { from, to } = prefixRange(TOKEN_PREFIX);
    const tokens: TokenRecord[] = [];
    try {
      for await (const row of this.client.listEntities<TokenRow>({
        queryOptions: {
          filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`,
        },
      })) {
        if (!row.expiresAt || new Date(row.expiresAt) > now) tokens.push(toRecord(row));
      }
    } catch (error) {
      unavailable(error);
    }
    return tokens;
  }
}
