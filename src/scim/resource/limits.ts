/** Most values one multi-valued attribute may hold (advertised in the service provider config docs). */
export const MAX_MULTI_VALUES = 100;

/**
 * Most characters of a userName, externalId, email or group displayName: these values become
 * Table Storage keys, which may not exceed 1 KiB.
 */
export const MAX_INDEXED_VALUE_LENGTH = 256;
