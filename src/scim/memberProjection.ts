import type { Filter } from "./filter/ast";
import type { Projection } from "./projection";

function listed(list: string | undefined, attribute: string): boolean {
  if (list === undefined) return false;
  return list
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .some((item) => {
      const name = item.slice(item.lastIndexOf(":") + 1);
      return name === attribute || name.startsWith(`${attribute}.`);
    });
}

/** Whether a projection returns an attribute whose `returned` is default (a group's members). */
export function returnsDefault(projection: Projection, attribute: string): boolean {
  if (projection.attributes !== undefined && projection.attributes.trim() !== "") {
    return listed(projection.attributes, attribute);
  }
  return !listed(projection.excludedAttributes, attribute);
}

/** Whether a projection asks for an attribute whose `returned` is request (a user's groups). */
export function requests(projection: Projection, attribute: string): boolean {
  return listed(projection.attributes, attribute);
}

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
