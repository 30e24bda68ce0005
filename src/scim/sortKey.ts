import { isPlainObject } from "./resource/types";
import type { ResolvedAttribute } from "./schema/types";

export type SortKey = string | number | boolean | undefined;

/**
 * The value a resource sorts by (RFC 7644 §3.4.2.3): for a multi-valued attribute the primary
 * element's (or else the first's); strings compared case-insensitively unless caseExact.
 */
export function sortKeyOf(resource: Readonly<Record<string, unknown>>, target: ResolvedAttribute): SortKey {
  const holder = target.core ? resource : resource[target.schema];
  let value: unknown = isPlainObject(holder) ? holder[target.attribute.name] : undefined;
  if (Array.isArray(value)) value = value.find((e) => isPlainObject(e) && e.primary === true) ?? value[0];
  const sub = target.subAttribute?.name ?? (target.attribute.type === "complex" ? "value" : undefined);
  if (sub !== undefined) value = isPlainObject(value) ? value[sub] : undefined;
  const caseExact = (target.subAttribute ?? target.attribute).caseExact;
  if (typeof value === "string") return caseExact ? value : value.toLowerCase();
  return typeof value === "number" || typeof value === "boolean" ? value : undefined;
}

/** Missing values sort last, whatever the order. */
export function compareSortKeys(left: SortKey, right: SortKey, descending: boolean): number {
  if (left === undefined || right === undefined) return left === right ? 0 : left === undefined ? 1 : -1;
  const order = left < right ? -1 : left > right ? 1 : 0;
  return descending ? -order : order;
}
