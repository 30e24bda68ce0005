/**
 * The storage layout, for code outside the product (the bench, the consistency checker, the dev
 * harness and the tenant CLI): which tables and queues exist, how a resource, an index entry, a
 * membership and an audit row are keyed. Everything else in src/store/ is the adapters' own; tools
 * import this module only (a lint rule holds them to it), so the layout can change behind it.
 */
export { auditAction } from "./auditRows";
export { countRowKeys, keptCountOf, newGenerationAction } from "./countRows";
export { guardedDeleteAction } from "./guardedDelete";
export { prefixRange } from "./keys";
export { groupKind, userKind, userNameIndex, type ResourceKind } from "./resourceKinds";
export {
  docChunks,
  indexRowKey,
  indexRowKeys,
  isTombstone,
  mayHaveMemberships,
  MEMBERSHIPS_PROPERTY,
  parseDoc,
  resourceRowKey,
  resourceRowPrefix,
  serializeDoc,
} from "./rows";
export { decodeMessage, ensureQueues } from "./storageQueues";
export { ensureTables, openTables } from "./tableClients";
export { memberRowKey, reverseRowKey, TableMembershipStore } from "./tableMembershipStore";
