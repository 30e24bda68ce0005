import type { Filter } from "../filter/ast";
import { matchesFilter } from "../filter/evaluate";
import { coerceAttributeValue } from "../resource/coerce";
import { isPlainObject } from "../resource/types";
import { findByName, type ResourceType } from "../schema/resourceType";
import type { ResolvedAttribute } from "../schema/types";

export type Element = Record<string, unknown>;

/** Whether one element of a multi-valued attribute satisfies a PATCH value filter. */
export function elementMatches(
  type: ResourceType,
  target: ResolvedAttribute,
  filter: Filter,
  element: unknown,
): boolean {
  const name = target.attribute.name;
  const holder = { [name]: [element] };
  const doc = target.core ? holder : { [target.schema]: holder };
  return matchesFilter(
    { kind: "valuePath", path: { schema: target.schema, attribute: name }, filter },
    doc,
    type,
  );
}

/**
 * The element that `attr[a eq "x" and b eq "y"]` describes, for Entra's "create when absent"
 * PATCHes (`emails[type eq "work"].value` on a user with no work email). Undefined when the filter
 * is not a conjunction of equalities, so no single element is implied.
 */
export function elementImpliedBy(target: ResolvedAttribute, filter: Filter): Element | undefined {
  const element: Element = {};
  const collect = (node: Filter): boolean => {
    if (node.kind === "and") return collect(node.left) && collect(node.right);
    if (node.kind !== "compare" || node.op !== "eq" || node.value === null) return false;
    const sub = findByName(
      target.attribute.subAttributes ?? [],
      node.path.subAttribute ?? node.path.attribute,
    );
    if (!sub) return false;
    element[sub.name] = coerceAttributeValue(sub, node.value, `${target.attribute.name}.${sub.name}`);
    return true;
  };
  return collect(filter) ? element : undefined;
}

/** Elements of a multi-valued attribute as objects (a stored attribute is always an array). */
export function elementsOf(value: unknown): Element[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

/**
 * Whether a stored element is what a remove-by-value names. Only the identifying sub-attributes
 * the client sent are compared, so Entra's `{"$ref":null,"value":"id"}` removes the member whatever
 * display or $ref we hold (deep equality would silently keep it).
 */
export function sameElement(stored: Element, named: Element): boolean {
  const keys = Object.keys(named).filter((key) => key !== "$ref" && key !== "display");
  if (keys.length === 0) return false;
  return keys.every((key) => stored[key] === named[key]);
}

/** Keeps at most one `primary: true` element, preferring the one set last (RFC 7643 §2.4). */
export function keepOnePrimary(elements: Element[], preferred?: Element): void {
  const primaries = elements.filter((element) => element.primary === true);
  if (primaries.length <= 1) return;
  const keep = preferred && primaries.includes(preferred) ? preferred : primaries[primaries.length - 1];
  for (const element of primaries) if (element !== keep) element.primary = false;
}
