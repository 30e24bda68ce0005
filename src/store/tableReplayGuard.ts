import { createHash } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import type { ReplayGuard } from "../tenants/federation/assertionVerifier";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";

const PREFIX = "jti|";
/** The first row key after every `jti|…` key. */
const PREFIX_END = "jti}";
/** Expired rows swept after a claim, at most: sweeping is housekeeping, never the request's work. */
const MAX_SWEEP = 100;

type JtiRow = { partitionKey: string; rowKey: string; expiresAt: string };

/**
 * Assertion ids (`jti`) already used, one row each in the tenant's partition of the tenants table,
 * kept until the assertion expires. Creating the row is the claim: storage refuses a second
 * create of the same key, so two instances given the same assertion at once accept it only once.
 */
export class TableReplayGuard implements ReplayGuard {
  constructor(
    private readonly client: TableClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async claim(tenantId: string, trustId: string, jti: string, expiresAt: Date): Promise<boolean> {
    // Hashed: a jti is the issuer's free text, and row keys forbid some characters.
    const digest = createHash("sha256").update(`${trustId}\n${jti}`, "utf8").digest("hex");
    const row: JtiRow = {
      partitionKey: tenantId,
      rowKey: PREFIX + digest,
      expiresAt: expiresAt.toISOString(),
    };
    try {
      await this.client.createEntity(row);
    } catch (error) {
      if (statusOf(error) !== 409) return unavailable(error);
      return this.reclaimExpired(row);
    }
    await this.sweep(tenantId).catch(() => undefined);
    return true;
  }

  /** A row left by an assertion that has expired (not swept yet) does not block a new one. */
  private async reclaimExpired(row: JtiRow): Promise<boolean> {
    try {
      const existing = await this.client.getEntity<JtiRow>(row.partitionKey, row.rowKey);
      if (Date.parse(existing.expiresAt) > this.clock()) return false;
      await this.client.updateEntity(row, "Replace", { etag: existing.etag });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      return unavailable(error);
    }
  }

  private async sweep(tenantId: string): Promise<void> {
    const now = new Date(this.clock()).toISOString();
    const expired = this.client.listEntities<JtiRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${PREFIX} and RowKey lt ${PREFIX_END} and expiresAt lt ${now}`,
        select: ["rowKey"],
      },
    });
    let swept = 0;
    for await (const row of expired) {
      await this.client.deleteEntity(tenantId, row.rowKey);
      if ((swept += 1) >= MAX_SWEEP) break;
    }
  }
}
