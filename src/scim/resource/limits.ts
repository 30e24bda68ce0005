import type { AttributeDefinition } from "../schema/types";

/** Most values one multi-valued attribute may hold in a request. */
const MAX_MULTI_VALUES = 100;

/** Most members one request may add, remove or set (members are rows of their own, not one value). */
const MAX_MEMBERS_PER_REQUEST = 1000;

export function maxValuesOf(definition: AttributeDefinition): number {
  return definition.name === "members" ? MAX_MEMBERS_PER_REQUEST : MAX_MULTI_VALUES;
}

/**
 * Most characters of a userName, externalId, email or group displayName: these values become
 * Table Storage keys, which may not exceed 1 KiB.
 */
export const MAX_INDEXED_VALUE_LENGTH = 256;
