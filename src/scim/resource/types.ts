/**
 * A resource as stored: canonical attribute names, core attributes at the top level, extension
 * attributes under their schema URN. `id`, `meta` and `schemas` are not part of it; they are
 * added when the resource is rendered.
 */
export type ResourceDoc = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
