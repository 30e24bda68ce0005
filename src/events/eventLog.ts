import type { DirectoryEvent } from "./directoryEvent";

export interface FeedPosition {
  /** The sequence of the newest event in the feed (0 when none yet). */
  readonly last: number;
  /** Events up to and including this sequence have expired; a cursor before it cannot resume. */
  readonly purgedThrough: number;
}

export interface EventSlice {
  readonly events: readonly DirectoryEvent[];
  /** Whether more events follow the last one returned. */
  readonly hasMore: boolean;
}

/** A tenant's numbered events, made from the outbox rows its changes committed. */
export interface EventLog {
  /**
   * Numbers the committed changes that are not in the feed yet and returns the new events. Safe to
   * run anywhere at any time, concurrently: each change is numbered exactly once.
   */
  sequence(tenantId: string): Promise<readonly DirectoryEvent[]>;
  /** Events with a sequence above `after`, oldest first, at most `limit`. */
  read(tenantId: string, after: number, limit: number): Promise<EventSlice>;
  position(tenantId: string): Promise<FeedPosition>;
  /** Expires events made before `before` (a prefix of the feed); returns how many. */
  purge(tenantId: string, before: Date): Promise<number>;
}
