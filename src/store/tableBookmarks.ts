import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import type { Bookmark, BookmarkKey, PageBookmarks } from "../service/pageBookmarks";
import { countRowsRead } from "./roundTrips";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";

/** A walk pauses between pages; Entra's Account Discovery of a large tenant takes hours in all. */
const BOOKMARK_LIFETIME_MS = 60 * 60 * 1000;

type BookmarkRow = { partitionKey: string; rowKey: string; bookmark: string; expiresAt: string };

const bookmarkSchema = z.strictObject({
  position: z.strictObject({
    token: z.string().max(4096).optional(),
    skip: z.number().int().min(0),
    scan: z.literal(true).optional(),
  }),
  totalResults: z.number().int().min(0),
});

/**
 * Page bookmarks as rows of the tenant's partition in the resources table:
 * `b|<resource type>|<hash of the query>|<startIndex>`. The partition is the tenant and the key
 * holds the query, so a bookmark is never found by another tenant or another query. A used
 * bookmark is deleted; one a walk left behind expires after an hour.
 */
export class TableBookmarks implements PageBookmarks {
  constructor(
    private readonly client: TableClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async find(tenantId: string, key: BookmarkKey): Promise<Bookmark | undefined> {
    let row: BookmarkRow;
    try {
      row = await this.client.getEntity<BookmarkRow>(tenantId, rowKeyOf(key));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
    countRowsRead(1);
    if (Date.parse(row.expiresAt) <= this.clock()) return undefined;
    const parsed = bookmarkSchema.safeParse(safeJson(row.bookmark));
    if (!parsed.success) return undefined;
    const { position, totalResults } = parsed.data;
    return {
      position:
        position.token === undefined
          ? { skip: position.skip }
          : { token: position.token, skip: position.skip },
      totalResults,
    };
  }

  async save(tenantId: string, key: BookmarkKey, bookmark: Bookmark): Promise<void> {
    const row: BookmarkRow = {
      partitionKey: tenantId,
      rowKey: rowKeyOf(key),
      bookmark: JSON.stringify(bookmark),
      expiresAt: new Date(this.clock() + BOOKMARK_LIFETIME_MS).toISOString(),
    };
    try {
      await this.client.upsertEntity(row, "Replace");
    } catch {
      // Without the bookmark the next page scans from the start: slower, never wrong.
    }
  }

  async remove(tenantId: string, key: BookmarkKey): Promise<void> {
    try {
      await this.client.deleteEntity(tenantId, rowKeyOf(key));
    } catch {
      // Expires on its own.
    }
  }
}

function rowKeyOf(key: BookmarkKey): string {
  const query = createHash("sha256").update(key.query, "utf8").digest("hex").slice(0, 32);
  return `b|${key.resourceType}|${query}|${key.startIndex}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
