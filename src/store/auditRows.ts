import { randomUUID } from "node:crypto";
import type { TransactionAction } from "@azure/data-tables";
import type { ResourceDoc } from "../scim/resource/types";
import type { AuditRecord } from "../service/audit";
import { serializeChanges } from "./changeRows";
import { outboxAction } from "./outboxRows";

/** Inverted milliseconds, so the newest record sorts first in the partition. */
const LATEST = 9_999_999_999_999;
export const AUDIT_PREFIX = "a|";

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

export function auditEntity(tenantId: string, record: AuditRecord): AuditEntity {
  return {
    partitionKey: tenantId,
    rowKey: `${auditTimeKey(new Date(record.time))}|${randomUUID()}`,
    time: record.time,
    operation: record.operation,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    changes: serializeChanges(record.changes),
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
