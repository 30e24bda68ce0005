import type { AttributePath } from "../schema/types";
import type { Filter } from "./ast";

/** `[schemaUrn:]attribute[.subAttribute]`, as a client would write it. */
export function formatAttributePath(path: AttributePath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

/** Prints a filter in RFC 7644 syntax; `parseFilter(formatFilter(f))` gives back `f`. */
export function formatFilter(filter: Filter): string {
  switch (filter.kind) {
    case "compare":
      return `${formatAttributePath(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`;
    case "present":
      return `${formatAttributePath(filter.path)} pr`;
    case "not":
      return `not (${formatFilter(filter.filter)})`;
    case "valuePath":
      return `${formatAttributePath(filter.path)}[${formatFilter(filter.filter)}]`;
    case "and":
    case "or": {
      const level = precedence(filter);
      // Both operators associate to the left, so a right operand of equal precedence needs parentheses.
      const left = parenthesizeIf(filter.left, precedence(filter.left) < level);
      const right = parenthesizeIf(filter.right, precedence(filter.right) <= level);
      return `${left} ${filter.kind} ${right}`;
    }
  }
}

function precedence(filter: Filter): number {
  if (filter.kind === "or") return 1;
  if (filter.kind === "and") return 2;
  return 3;
}

function parenthesizeIf(filter: Filter, needed: boolean): string {
  return needed ? `(${formatFilter(filter)})` : formatFilter(filter);
}
