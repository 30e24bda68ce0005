import { randomUUID } from "node:crypto";
import type { TransactionAction } from "@azure/data-tables";
import type { ResourceDoc } from "../scim/resource/types";
import type { AuditRecord } from "../service/audit";
import { noteChangesCommitted } from "../lib/requestScope";
import { serializeChanges } from "./changeRows";
import { docChunks, parseDoc, serializeDoc } from "./rows";

/**
 * The outbox: one row per committed directory change, written in the change's own transaction, so
 * the row exists if and only if the change does. The sequencer turns each into a numbered event.
 */
export const OUTBOX_PREFIX = "o|";
/** Kept small enough that a change row, its outbox row and the audit row fit one 4 MiB transaction. */
const MAX_SNAPSHOT_CHUNKS = 10;

// A type alias (not an interface) so it satisfies the SDK's Record-typed entity parameter.
export type OutboxEntity = {
  partitionKey: string;
  rowKey: string;
  eventId: string;
  time: string;
  operation: string;
  resourceType: string;
  resourceId: string;
  changes: string;
  /** Number of doc<n> chunks holding the resource after the change; 0 when not copied. */
  chunks: number;
  [docChunk: `doc${number}`]: string;
};

/** Write-only attributes never reach an event, even if a request managed to store one. */
const WRITE_ONLY = new Set(["password"]);

function withoutWriteOnly(doc: ResourceDoc): ResourceDoc {
  // The document itself when it holds none (always, since write-only attributes are not stored): its text is known.
  if (!Object.keys(doc).some((name) => WRITE_ONLY.has(name.toLowerCase()))) return doc;
  return Object.fromEntries(Object.entries(doc).filter(([name]) => !WRITE_ONLY.has(name.toLowerCase())));
}

function outboxEntity(
  tenantId: string,
  record: AuditRecord,
  snapshot: ResourceDoc | undefined,
): OutboxEntity {
  const chunks = snapshot === undefined ? [] : serializeDoc(withoutWriteOnly(snapshot));
  const kept = chunks.length <= MAX_SNAPSHOT_CHUNKS ? chunks : [];
  const eventId = randomUUID();
  return {
    partitionKey: tenantId,
    // Oldest first, so the sequencer numbers pending changes roughly in the order they were made.
    rowKey: `${OUTBOX_PREFIX}${String(Date.parse(record.time)).padStart(13, "0")}|${eventId}`,
    eventId,
    time: record.time,
    operation: record.operation,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    changes: serializeChanges(
      record.changes.filter((change) => !WRITE_ONLY.has(change.attribute.toLowerCase())),
    ),
    chunks: kept.length,
    ...docChunks(kept),
  };
}

export function outboxAction(
  tenantId: string,
  record: AuditRecord,
  snapshot: ResourceDoc | undefined,
): TransactionAction {
  return ["create", outboxEntity(tenantId, record, snapshot)];
}

/** The resource copied into an outbox (or event) row, if it was. */
export function snapshotOf(entity: Record<string, unknown>): ResourceDoc | undefined {
  return entity.chunks === 0 || entity.doc0 === undefined ? undefined : parseDoc(entity);
}

/** After a transaction committed: counts the directory changes (outbox rows) it wrote in the request. */
export function noteCommitted(actions: readonly TransactionAction[]): void {
  noteChangesCommitted(
    actions.filter(([kind, entity]) => kind === "create" && entity.rowKey.startsWith(OUTBOX_PREFIX)).length,
  );
}
