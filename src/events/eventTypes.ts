import type { AuditOperation } from "../service/audit";

import { EVENT_TYPES } from "./eventTypeNames";

export { EVENT_TYPES };

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

const USER_TYPES: Partial<Record<AuditOperation, EventType>> = {
  create: "user.created",
  update: "user.updated",
  disable: "user.deactivated",
  reenable: "user.reactivated",
  delete: "user.deleted",
};

const GROUP_TYPES: Partial<Record<AuditOperation, EventType>> = {
  create: "group.created",
  update: "group.updated",
  // Groups have no `active`; a group that carries one is still just updated.
  disable: "group.updated",
  reenable: "group.updated",
  delete: "group.deleted",
  membersAdded: "group.member_added",
  membersRemoved: "group.member_removed",
};

/** The event of a directory change; undefined for audit operations that are not directory changes. */
export function eventTypeOf(resourceType: string, operation: AuditOperation): EventType | undefined {
  if (resourceType === "User") return USER_TYPES[operation];
  if (resourceType === "Group") return GROUP_TYPES[operation];
  return undefined;
}
