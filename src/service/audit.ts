import type { AttributeChange } from "../scim/audit/diff";
import { diffResources } from "../scim/audit/diff";
import type { ResourceDoc } from "../scim/resource/types";
import { requestScope } from "../lib/requestScope";

export type AuditOperation =
  | "create"
  | "update"
  | "disable"
  | "reenable"
  | "delete"
  | "membersAdded"
  | "membersRemoved"
  | "credentialRotated"
  | "credentialRevoked"
  | "clientCreated"
  | "trustAdded"
  | "trustRemoved"
  | "setupLinkCreated"
  | "setupLinkUsed"
  | "setupLinkRevoked"
  | "portalAction";

/** One change, as the audit trail keeps it (in the tenant's partition, with the change itself). */
export interface AuditRecord {
  readonly time: string;
  readonly operation: AuditOperation;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly changes: readonly AttributeChange[];
  readonly credentialId?: string;
  readonly correlationId?: string;
}

/** `disable` / `reenable` when `active` flips, so the trail reads like Entra's own log. */
function operationOf(before: ResourceDoc | undefined, after: ResourceDoc | undefined): AuditOperation {
  if (!before) return "create";
  if (!after) return "delete";
  if (before.active !== false && after.active === false) return "disable";
  if (before.active === false && after.active === true) return "reenable";
  return "update";
}

export function auditOfChange(
  resourceType: string,
  resourceId: string,
  before: ResourceDoc | undefined,
  after: ResourceDoc | undefined,
  time: string,
): AuditRecord {
  return auditRecord(
    operationOf(before, after),
    resourceType,
    resourceId,
    diffResources(before, after),
    time,
  );
}

export function auditRecord(
  operation: AuditOperation,
  resourceType: string,
  resourceId: string,
  changes: readonly AttributeChange[],
  time: string,
): AuditRecord {
  const scope = requestScope();
  return {
    time,
    operation,
    resourceType,
    resourceId,
    changes,
    ...(scope?.credentialId ? { credentialId: scope.credentialId } : {}),
    ...(scope?.correlationId ? { correlationId: scope.correlationId } : {}),
  };
}
