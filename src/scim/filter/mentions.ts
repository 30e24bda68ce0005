import type { Filter } from "./ast";

/** Whether a filter looks at `attribute` anywhere. */
export function mentions(filter: Filter, attribute: string): boolean {
  switch (filter.kind) {
    case "and":
    case "or":
      return mentions(filter.left, attribute) || mentions(filter.right, attribute);
    case "not":
      return mentions(filter.filter, attribute);
    default:
      return filter.path.attribute.toLowerCase() === attribute;
  }
}
