import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import type { DirectoryEvent } from "../events/directoryEvent";
import type { EventLog, EventSlice, FeedPosition } from "../events/eventLog";
import { COUNTER_ROW, EVENT_PREFIX, eventEntity, eventOf, eventRowKey, type EventEntity } from "./eventRows";
import { prefixRange } from "./keys";
import { OUTBOX_PREFIX, type OutboxEntity } from "./outboxRows";
import { groupKind } from "./resourceKinds";
import { isTombstone, resourceRowKey } from "./rows";
import { unavailable } from "../service/storageUnavailable";
import { statusOf } from "./storageErrors";

/** Counter row + an event create and an outbox delete per change: 1 + 2 × 49 ≤ 100 actions. */
const EVENTS_PER_TRANSACTION = 49;
/** A transaction's body may not exceed 4 MiB; entities are UTF-16 on the wire, so ~2 bytes a character. */
const MAX_TRANSACTION_CHARS = 1_500_000;
/** One call numbers at most this many batches, so a request that triggers it stays bounded. */
const MAX_BATCHES_PER_CALL = 20;
const MAX_CONFLICTS = 8;
const PURGE_BATCH = 100;
const MEMBER_OPERATIONS = new Set(["membersAdded", "membersRemoved"]);
/** As for the copies in outbox rows: a larger group is left out of the event (read it from the API). */
const MAX_GROUP_CHUNKS = 10;

type CounterRow = { partitionKey: string; rowKey: string; last: number; purgedThrough: number };

function batchOf(pending: readonly OutboxEntity[]): OutboxEntity[] {
  const batch: OutboxEntity[] = [];
  let chars = 0;
  for (const row of pending.slice(0, EVENTS_PER_TRANSACTION)) {
    chars += JSON.stringify(row).length;
    if (batch.length > 0 && chars > MAX_TRANSACTION_CHARS) break;
    batch.push(row);
  }
  return batch;
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 5)));
}

/**
 * The event feed in the tenant's partition. Changes write outbox rows (`o|…`) in their own
 * transactions; `sequence` moves them to numbered event rows (`e|<sequence>`) in transactions that
 * also replace the counter row `n|events` under its ETag and delete the outbox rows they number.
 * Two sequencers racing cannot both commit (the counter's ETag), and an outbox row numbered once
 * is gone (its delete fails any second attempt), so every change gets exactly one sequence, and
 * a sequence is only ever given to an event after every smaller one has committed.
 */
export class TableEventLog implements EventLog {
  constructor(private readonly client: TableClient) {}

  async sequence(tenantId: string): Promise<readonly DirectoryEvent[]> {
    const added: DirectoryEvent[] = [];
    let conflicts = 0;
    for (let batches = 0; batches < MAX_BATCHES_PER_CALL;) {
      const pending = await this.pending(tenantId);
      if (pending.length === 0) break;
      const counter = await this.counter(tenantId);
      const batch = await this.withGroups(tenantId, batchOf(pending));
      const first = (counter?.last ?? 0) + 1;
      const rows = batch.map((row, index) => eventEntity(row, first + index));
      const next: CounterRow = {
        partitionKey: tenantId,
        rowKey: COUNTER_ROW,
        last: first + batch.length - 1,
        purgedThrough: counter?.purgedThrough ?? 0,
      };
      const actions: TransactionAction[] = [
        counter ? ["update", next, "Replace", { etag: counter.etag }] : ["create", next],
        ...rows.flatMap((row, index): TransactionAction[] => [
          ["create", row],
          ["delete", { partitionKey: tenantId, rowKey: batch[index]?.rowKey ?? "" }],
        ]),
      ];
      try {
        await this.client.submitTransaction(actions);
      } catch (error) {
        // Another sequencer got there first (counter changed, or an outbox row already numbered).
        const status = statusOf(error);
        if (status !== 409 && status !== 412 && status !== 404) unavailable(error);
        conflicts += 1;
        if (conflicts >= MAX_CONFLICTS) break;
        await pause(conflicts);
        continue;
      }
      batches += 1;
      for (const row of rows) {
        const event = eventOf(tenantId, row);
        if (event) added.push(event);
      }
    }
    return added;
  }

  /**
   * A membership change does not rewrite the group, so its outbox row holds no copy of it: the event
   * gets the group as it is when the event is numbered (none if it is gone by then).
   */
  private async withGroups(tenantId: string, rows: OutboxEntity[]): Promise<OutboxEntity[]> {
    return Promise.all(
      rows.map(async (row) => {
        if (!MEMBER_OPERATIONS.has(row.operation) || row.chunks > 0) return row;
        const group = await this.group(tenantId, row.resourceId);
        if (!group || group.chunks > MAX_GROUP_CHUNKS) return row;
        const chunks = Object.fromEntries(
          Object.entries(group).filter(([name]) => /^doc\d+$/.test(name)),
        ) as Record<`doc${number}`, string>;
        return { ...row, chunks: group.chunks, ...chunks };
      }),
    );
  }

  private async group(
    tenantId: string,
    id: string,
  ): Promise<(Record<string, unknown> & { chunks: number }) | undefined> {
    try {
      const entity = await this.client.getEntity(tenantId, resourceRowKey(groupKind, id));
      if (isTombstone(entity)) return undefined;
      return { ...entity, chunks: typeof entity.chunks === "number" ? entity.chunks : 1 };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }

  async read(tenantId: string, after: number, limit: number): Promise<EventSlice> {
    const { to } = prefixRange(EVENT_PREFIX);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey gt ${eventRowKey(after)} and RowKey lt ${to}`;
    const rows: EventEntity[] = [];
    let hasMore = false;
    try {
      for await (const page of this.client
        .listEntities<EventEntity>({ queryOptions: { filter } })
        .byPage({ maxPageSize: limit })) {
        rows.push(...page);
        if (rows.length >= limit) {
          hasMore = rows.length > limit || page.continuationToken !== undefined;
          break;
        }
      }
    } catch (error) {
      unavailable(error);
    }
    const events = rows
      .slice(0, limit)
      .map((row) => eventOf(tenantId, row))
      .filter((event): event is DirectoryEvent => event !== undefined);
    return { events, hasMore };
  }

  async position(tenantId: string): Promise<FeedPosition> {
    const counter = await this.counter(tenantId);
    return { last: counter?.last ?? 0, purgedThrough: counter?.purgedThrough ?? 0 };
  }

  async purge(tenantId: string, before: Date): Promise<number> {
    const expired = await this.expiredPrefix(tenantId, before.toISOString());
    const newest = expired.at(-1);
    if (newest === undefined) return 0;
    // The counter moves first: a crash between the two steps leaves rows that no cursor can reach
    // (purged again next time), never a cursor that silently skips deleted events.
    await this.raisePurgedThrough(tenantId, newest);
    try {
      for (let start = 0; start < expired.length; start += PURGE_BATCH) {
        await this.client.submitTransaction(
          expired
            .slice(start, start + PURGE_BATCH)
            .map((sequence): TransactionAction => [
              "delete",
              { partitionKey: tenantId, rowKey: eventRowKey(sequence) },
            ]),
        );
      }
    } catch (error) {
      if (statusOf(error) !== 404) unavailable(error);
    }
    return expired.length;
  }

  /** Sequences of the oldest events, up to the first one that has not expired. */
  private async expiredPrefix(tenantId: string, cutoff: string): Promise<number[]> {
    const { from, to } = prefixRange(EVENT_PREFIX);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
    const expired: number[] = [];
    try {
      for await (const row of this.client.listEntities<{ sequence: number; time: string }>({
        queryOptions: { filter, select: ["sequence", "time"] },
      })) {
        if (row.time >= cutoff) break;
        expired.push(row.sequence);
      }
    } catch (error) {
      unavailable(error);
    }
    return expired;
  }

  private async raisePurgedThrough(tenantId: string, sequence: number): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const counter = await this.counter(tenantId);
      if (!counter || counter.purgedThrough >= sequence) return;
      try {
        await this.client.updateEntity({ ...counter, purgedThrough: sequence }, "Replace", {
          etag: counter.etag,
        });
        return;
      } catch (error) {
        if (statusOf(error) !== 412 || attempt >= MAX_CONFLICTS) unavailable(error);
        await pause(attempt);
      }
    }
  }

  private async pending(tenantId: string): Promise<OutboxEntity[]> {
    const { from, to } = prefixRange(OUTBOX_PREFIX);
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
    try {
      for await (const page of this.client
        .listEntities<OutboxEntity>({ queryOptions: { filter } })
        .byPage({ maxPageSize: EVENTS_PER_TRANSACTION })) {
        return page;
      }
    } catch (error) {
      unavailable(error);
    }
    return [];
  }

  private async counter(tenantId: string): Promise<(CounterRow & { etag: string }) | undefined> {
    try {
      const row = await this.client.getEntity<CounterRow>(tenantId, COUNTER_ROW);
      const { last, purgedThrough, etag } = row;
      return { partitionKey: tenantId, rowKey: COUNTER_ROW, last, purgedThrough, etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      return unavailable(error);
    }
  }
}
