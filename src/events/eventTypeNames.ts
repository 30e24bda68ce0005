/**
 * The event types an application can subscribe to and switch on; names never change once published.
 * Imports nothing: the portal page (compiled for the browser) shows this same list.
 */
export const EVENT_TYPES = [
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "group.member_added",
  "group.member_removed",
] as const;
