import type { AttributeChange } from "../scim/audit/diff";
import type { DirectoryEvent } from "../events/directoryEvent";
import { objectKind } from "../events/directoryEvent";
import { eventTypeOf } from "../events/eventTypes";
import type { AuditOperation } from "../service/audit";
import { snapshotOf, type OutboxEntity } from "./outboxRows";

export const EVENT_PREFIX = "e|";
/** The tenant's feed position: the last sequence handed out and how far retention has purged. */
export const COUNTER_ROW = "n|events";
const SEQUENCE_DIGITS = 15;

export type EventEntity = Omit<OutboxEntity, "rowKey"> & { rowKey: string; sequence: number };

export function eventRowKey(sequence: number): string {
  return `${EVENT_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, "0")}`;
}

/** The event row an outbox row becomes: the same payload under its sequence. */
export function eventEntity(outbox: OutboxEntity, sequence: number): EventEntity {
  const {
    etag: _etag,
    timestamp: _timestamp,
    ...payload
  } = outbox as OutboxEntity & {
    etag?: unknown;
    timestamp?: unknown;
  };
  return { ...payload, rowKey: eventRowKey(sequence), sequence };
}

function membersOf(changes: readonly AttributeChange[]): string[] {
  const members = changes.find((change) => change.attribute === "members");
  const ids = members?.after ?? members?.before;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/** The event as applications see it; undefined for a row that is no directory change. */
export function eventOf(tenantId: string, entity: EventEntity): DirectoryEvent | undefined {
  const type = eventTypeOf(entity.resourceType, entity.operation as AuditOperation);
  if (type === undefined) return undefined;
  const changes = JSON.parse(entity.changes) as AttributeChange[];
  const snapshot = snapshotOf(entity);
  const isMemberEvent = type === "group.member_added" || type === "group.member_removed";
  return {
    id: entity.eventId,
    sequence: entity.sequence,
    tenantId,
    type,
    time: entity.time,
    resourceId: entity.resourceId,
    resource:
      snapshot === undefined
        ? null
        : { id: entity.resourceId, object: objectKind(entity.resourceType), attributes: snapshot },
    changes,
    ...(isMemberEvent ? { members: membersOf(changes) } : {}),
  };
}
