import { randomUUID } from "node:crypto";
import type { TransactionAction } from "@azure/data-tables";
import type { ResourceDoc } from "../scim/resource/types";
import type { AuditRecord } from "../service/audit";
import { outboxAction } from "./outboxRows";

/** Inverted milliseconds, so the newest record sorts first in the partition. */
const LATEST = 9_999_999_999_999;
export const AUDIT_PREFIX = "a|";
/** A string property holds at most 32K characters; larger change lists keep only attribute names. */
const MAX_CHANGES_CHARS = 30_000;

export function auditTimeKey(time: Date): string {
  return `${AUDIT_PREFIX}${String(LATEST - time.getTime()).padStart(13, "0")}`;
}

// A type alias (not an interface) so it satisfies the SDK's Record-typed entity parameter.
export type AuditEntity = {
  partitionKey: string;
  rowKey: string;
  time: string;
  operation: string;
  resourceType: string;
  resourceId: string;
  changes: string;
  credentialId?: string;
  correlationId?: string;
};

export function serialiseChanges(record: AuditRecord): string {
  const full = JSON.stringify(record.changes);
  if (full.length <= MAX_CHANGES_CHARS) return full;
  return JSON.stringify(record.changes.map(({ attribute }) => ({ attribute, truncated: true }))).slice(
    0,
    MAX_CHANGES_CHARS,
  );
}

export function auditEntity(tenantId: string, record: AuditRecord): AuditEntity {
  return {
    partitionKey: tenantId,
    rowKey: `${auditTimeKey(new Date(record.time))}|${randomUUID()}`,
    time: record.time,
    operation: record.operation,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    changes: serialiseChanges(record),
    ...(record.credentialId ? { credentialId: record.credentialId } : {}),
    ...(record.correlationId ? { correlationId: record.correlationId } : {}),
  };
}

/** Rows a directory change writes beside itself: its audit record and its outbox row (the event to be). */
export const AUDIT_ACTIONS = 2;

/**
 * The transaction actions that write the record, and the outbox row the event feed is made from,
 * beside the change they describe. `snapshot` is the resource after the change (before, for a delete).
 */
export function auditAction(
  tenantId: string,
  record: AuditRecord | undefined,
  snapshot?: ResourceDoc,
): TransactionAction[] {
  if (!record) return [];
  return [["create", auditEntity(tenantId, record)], outboxAction(tenantId, record, snapshot)];
}

export function recordOf(entity: AuditEntity): AuditRecord {
  return {
    time: entity.time,
    operation: entity.operation as AuditRecord["operation"],
    resourceType: entity.resourceType,
    resourceId: entity.resourceId,
    changes: JSON.parse(entity.changes) as AuditRecord["changes"],
    ...(entity.credentialId ? { credentialId: entity.credentialId } : {}),
    ...(entity.correlationId ? { correlationId: entity.correlationId } : {}),
  };
}
