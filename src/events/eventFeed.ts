import { ApiError } from "./apiError";
import { decodeCursor, encodeCursor } from "./cursor";
import type { DirectoryEvent } from "./directoryEvent";
import type { EventLog } from "./eventLog";

export const MAX_FEED_PAGE = 500;
export const DEFAULT_FEED_PAGE = 100;

export interface FeedPage {
  readonly data: readonly DirectoryEvent[];
  /** Pass as `after` to read on; the same cursor again when nothing new has come. */
  readonly next: string;
  readonly hasMore: boolean;
}

/**
 * Reading a tenant's events after a cursor. Every read first numbers the changes committed since
 * the last one, so a consumer sees its own writes without waiting for a background job.
 */
export class EventFeed {
  constructor(private readonly log: EventLog) {}

  async page(tenantId: string, after: string | undefined, limit: number): Promise<FeedPage> {
    const requested = after === undefined ? undefined : this.decode(tenantId, after);
    await this.log.sequence(tenantId);
    const position = await this.log.position(tenantId);
    if (requested !== undefined && requested > position.last) {
      throw new ApiError(400, "invalid_cursor", "The cursor is ahead of this tenant's feed.");
    }
    if (requested !== undefined && requested < position.purgedThrough) {
      throw new ApiError(
        410,
        "cursor_expired",
        "Events after this cursor have expired. Re-read the directory from the read API " +
          "(/api/v1/tenants/{tenantId}/users and /groups), then follow the feed from the `next` cursor it returned.",
      );
    }
    const start = requested ?? position.purgedThrough;
    const slice = await this.log.read(tenantId, start, limit);
    const last = slice.events.at(-1)?.sequence ?? start;
    return { data: slice.events, next: encodeCursor(tenantId, last), hasMore: slice.hasMore };
  }

  /** A cursor at the end of the feed: where a consumer that just copied the whole directory starts. */
  async latest(tenantId: string): Promise<string> {
    await this.log.sequence(tenantId);
    return encodeCursor(tenantId, (await this.log.position(tenantId)).last);
  }

  private decode(tenantId: string, cursor: string): number {
    const sequence = decodeCursor(tenantId, cursor);
    if (sequence === undefined) {
      throw new ApiError(400, "invalid_cursor", "The cursor is malformed, altered, or from another tenant.");
    }
    return sequence;
  }
}
