/**
 * The event types a webhook can subscribe to, as the connector names them (src/events/eventTypes.ts). The
 * page is compiled apart from the app, so it keeps its own copy; a test holds the two equal.
 */
export const EVENT_TYPES: readonly string[] = [
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
];
