import { odata, type TableClient } from "@azure/data-tables";
import { unavailable } from "../service/storageUnavailable";
import type {
  PortalSessionRecord,
  PortalStore,
  SetupLinkRecord,
  Versioned,
} from "../tenants/portal/portalStore";
import { prefixRange } from "./keys";
import { countRowsRead } from "./roundTrips";
import { statusOf } from "./storageErrors";

const LINK_PREFIX = "portalLink|";
const SESSION_PREFIX = "portalSession|";

type Row = { partitionKey: string; rowKey: string; record: string };

/**
 * Setup links and portal sessions in the tenants table: rows of the tenant's partition keyed by the
 * SHA-256 of their secret (point reads), each one JSON record replaced under its ETag.
 */
export class TablePortalStore implements PortalStore {
  constructor(private readonly client: TableClient) {}

  createLink(tenantId: string, hash: string, link: SetupLinkRecord): Promise<void> {
    return this.create(tenantId, LINK_PREFIX + hash, link);
  }

  readLink(tenantId: string, hash: string): Promise<Versioned<SetupLinkRecord> | undefined> {
    return this.read<SetupLinkRecord>(tenantId, LINK_PREFIX + hash);
  }

  async replaceLink(tenantId: string, hash: string, link: SetupLinkRecord, etag: string): Promise<boolean> {
    const row: Row = { partitionKey: tenantId, rowKey: LINK_PREFIX + hash, record: JSON.stringify(link) };
    try {
      await this.client.updateEntity(row, "Replace", { etag });
      return true;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      return unavailable(error);
    }
  }

  async listLinks(tenantId: string): Promise<{ hash: string; link: SetupLinkRecord }[]> {
    return (await this.list(tenantId, LINK_PREFIX)).map(({ hash, record }) => ({
      hash,
      link: record as SetupLinkRecord,
    }));
  }

  async listSessions(tenantId: string): Promise<{ hash: string; session: PortalSessionRecord }[]> {
    return (await this.list(tenantId, SESSION_PREFIX)).map(({ hash, record }) => ({
      hash,
      session: record as PortalSessionRecord,
    }));
  }

  deleteLink(tenantId: string, hash: string): Promise<void> {
    return this.delete(tenantId, LINK_PREFIX + hash);
  }

  deleteSession(tenantId: string, hash: string): Promise<void> {
    return this.delete(tenantId, SESSION_PREFIX + hash);
  }

  createSession(tenantId: string, hash: string, session: PortalSessionRecord): Promise<void> {
    return this.create(tenantId, SESSION_PREFIX + hash, session);
  }

  async readSession(tenantId: string, hash: string): Promise<PortalSessionRecord | undefined> {
    return (await this.read<PortalSessionRecord>(tenantId, SESSION_PREFIX + hash))?.value;
  }

  async replaceSession(tenantId: string, hash: string, session: PortalSessionRecord): Promise<void> {
    const row: Row = {
      partitionKey: tenantId,
      rowKey: SESSION_PREFIX + hash,
      record: JSON.stringify(session),
    };
    try {
      await this.client.updateEntity(row, "Replace");
    } catch (error) {
      unavailable(error);
    }
  }

  /** The rows under `prefix`, their records parsed (each caller knows which record type it reads). */
  private async list(tenantId: string, prefix: string): Promise<{ hash: string; record: unknown }[]> {
    const { from, to } = prefixRange(prefix);
    const rows: { hash: string; record: unknown }[] = [];
    try {
      for await (const row of this.client.listEntities<Row>({
        queryOptions: {
          filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`,
        },
      })) {
        rows.push({ hash: row.rowKey.slice(prefix.length), record: JSON.parse(row.record) as unknown });
      }
    } catch (error) {
      unavailable(error);
    }
    countRowsRead(rows.length);
    return rows;
  }

  private async delete(tenantId: string, rowKey: string): Promise<void> {
    try {
      await this.client.deleteEntity(tenantId, rowKey);
    } catch (error) {
      if (statusOf(error) !== 404) unavailable(error);
    }
  }

  private async create(tenantId: string, rowKey: string, record: object): Promise<void> {
    try {
      await this.client.createEntity<Row>({ partitionKey: tenantId, rowKey, record: JSON.stringify(record) });
    } catch (error) {
      unavailable(error);
    }
  }

  private async read<T>(tenantId: string, rowKey: string): Promise<Versioned<T> | undefined> {
    try {
      const row = await this.client.getEntity<Row>(tenantId, rowKey);
      countRowsRead(1);
      return { value: JSON.parse(row.record) as T, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }
}
