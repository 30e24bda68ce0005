import { badRequest } from "../errors";
import { isWriteOnly } from "../resource/writeOnly";
import type { AttributeDefinition, AttributePath, AttributeResolver } from "../schema/types";
import type { ComparisonOperator, Filter, FilterValue } from "./ast";
import { formatAttributePath } from "./format";

type Resource = Readonly<Record<string, unknown>>;

/** An attribute's definition and its values in one resource or element, multi-valued ones flattened. */
interface Operand {
  readonly definition: AttributeDefinition;
  readonly values: readonly unknown[];
}

/** Finds what a filter path designates, either in the whole resource or in one element. */
type Locate = (path: AttributePath) => Operand | undefined;

/**
 * Whether `resource` satisfies `filter` (RFC 7644 §3.4.2.2). Paths the resolver does not know make
 * their comparison false; call `validateFilterPaths` first to reject them instead.
 */
export function matchesFilter(filter: Filter, resource: Resource, resolver: AttributeResolver): boolean {
  return evaluate(filter, resourceLocator(resource, resolver), resolver);
}

/** Throws `invalidFilter` naming the first attribute in `filter` that the resolver does not know. */
export function validateFilterPaths(filter: Filter, resolver: AttributeResolver): void {
  const isKnown = (path: AttributePath) => {
    const resolved = resolver.resolve(path);
    // Matching a write-only value would disclose it, one guess at a time.
    if (resolved && isWriteOnly(resolved.subAttribute ?? resolved.attribute))
      throw badRequest(
        "invalidFilter",
        `Attribute "${formatAttributePath(path)}" is write-only; it cannot be filtered`,
      );
    return resolved !== undefined;
  };
  checkPaths(filter, resolver, isKnown, formatAttributePath);
}

function evaluate(filter: Filter, locate: Locate, resolver: AttributeResolver): boolean {
  switch (filter.kind) {
    case "and":
      return evaluate(filter.left, locate, resolver) && evaluate(filter.right, locate, resolver);
    case "or":
      return evaluate(filter.left, locate, resolver) || evaluate(filter.right, locate, resolver);
    case "not":
      return !evaluate(filter.filter, locate, resolver);
    case "present": {
      const operand = locate(filter.path);
      return operand !== undefined && operand.values.some(isPresent);
    }
    case "compare": {
      const operand = locate(filter.path);
      return operand !== undefined && compare(operand, filter.op, filter.value);
    }
    case "valuePath": {
      const elements = locate(filter.path)?.values ?? [];
      return elements.some(
        (element) =>
          isRecord(element) &&
          evaluate(filter.filter, elementLocator(element, filter.path, resolver), resolver),
      );
    }
  }
}

function resourceLocator(resource: Resource, resolver: AttributeResolver): Locate {
  return (path) => {
    const resolved = resolver.resolve(path);
    if (resolved === undefined) return undefined;
    const container = resolved.core ? resource : ownProperty(resource, resolved.schema);
    const value = isRecord(container) ? ownProperty(container, resolved.attribute.name) : undefined;
    if (resolved.subAttribute === undefined) return { definition: resolved.attribute, values: listOf(value) };
    return { definition: resolved.subAttribute, values: subAttributeValues(value, resolved.subAttribute) };
  };
}

function elementLocator(element: Resource, outer: AttributePath, resolver: AttributeResolver): Locate {
  return (path) => {
    const definition = resolveInElement(outer, path, resolver);
    if (definition === undefined) return undefined;
    return { definition, values: listOf(ownProperty(element, definition.name)) };
  };
}

/** Resolves `inner`, written inside `outer[...]`, as a sub-attribute of `outer`. */
function resolveInElement(
  outer: AttributePath,
  inner: AttributePath,
  resolver: AttributeResolver,
): AttributeDefinition | undefined {
  if (inner.schema !== undefined || inner.subAttribute !== undefined) return undefined;
  return resolver.resolve({ schema: outer.schema, attribute: outer.attribute, subAttribute: inner.attribute })
    ?.subAttribute;
}

function checkPaths(
  filter: Filter,
  resolver: AttributeResolver,
  isKnown: (path: AttributePath) => boolean,
  describe: (path: AttributePath) => string,
): void {
  switch (filter.kind) {
    case "and":
    case "or":
      checkPaths(filter.left, resolver, isKnown, describe);
      checkPaths(filter.right, resolver, isKnown, describe);
      return;
    case "not":
      checkPaths(filter.filter, resolver, isKnown, describe);
      return;
    case "present":
    case "compare":
      if (!isKnown(filter.path)) throw unknownAttribute(describe(filter.path));
      return;
    case "valuePath": {
      const outer = filter.path;
      if (!isKnown(outer)) throw unknownAttribute(describe(outer));
      checkPaths(
        filter.filter,
        resolver,
        (inner) => resolveInElement(outer, inner, resolver) !== undefined,
        (inner) => `${describe(outer)}.${formatAttributePath(inner)}`,
      );
      return;
    }
  }
}

const unknownAttribute = (name: string) =>
  badRequest("invalidFilter", `Unknown attribute "${name}" in filter`);

/** RFC 7644: `ne` matches when no value equals; `eq null` when the attribute is absent. */
function compare(operand: Operand, op: ComparisonOperator, expected: FilterValue): boolean {
  if (op === "ne") return !compare(operand, "eq", expected);
  if (expected === null) return op === "eq" && !operand.values.some(isPresent);
  const target = comparable(operand);
  return (
    target !== undefined &&
    target.values.some((actual) => compareValue(target.definition, actual, op, expected))
  );
}

/** A complex attribute named without a sub-attribute compares through its `value` sub-attribute. */
function comparable(operand: Operand): Operand | undefined {
  if (operand.definition.type !== "complex") return operand;
  const value = operand.definition.subAttributes?.find((sub) => sub.name.toLowerCase() === "value");
  if (value === undefined) return undefined;
  return {
    definition: value,
    values: operand.values.flatMap((element) => subAttributeValues(element, value)),
  };
}

function compareValue(
  definition: AttributeDefinition,
  actual: unknown,
  op: Exclude<ComparisonOperator, "ne">,
  expected: Exclude<FilterValue, null>,
): boolean {
  switch (definition.type) {
    case "string":
    case "reference":
    case "binary":
      return (
        typeof actual === "string" &&
        typeof expected === "string" &&
        compareStrings(actual, expected, op, definition.caseExact)
      );
    case "boolean":
      return op === "eq" && typeof actual === "boolean" && actual === expected;
    case "integer":
    case "decimal":
      return typeof actual === "number" && typeof expected === "number" && ordered(op, actual, expected);
    case "dateTime":
      return (
        typeof actual === "string" &&
        typeof expected === "string" &&
        ordered(op, Date.parse(actual), Date.parse(expected))
      );
    case "complex":
      return false;
  }
}

function compareStrings(
  actual: string,
  expected: string,
  op: Exclude<ComparisonOperator, "ne">,
  caseExact: boolean,
): boolean {
  const left = caseExact ? actual : actual.toLowerCase();
  const right = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case "co":
      return left.includes(right);
    case "sw":
      return left.startsWith(right);
    case "ew":
      return left.endsWith(right);
    default:
      return ordered(op, left, right);
  }
}

/** Equality and ordering; substring operators never match non-strings. NaN (a bad dateTime) matches nothing. */
function ordered<T extends number | string>(
  op: Exclude<ComparisonOperator, "ne">,
  actual: T,
  expected: T,
): boolean {
  switch (op) {
    case "eq":
      return actual === expected;
    case "gt":
      return actual > expected;
    case "ge":
      return actual >= expected;
    case "lt":
      return actual < expected;
    case "le":
      return actual <= expected;
    default:
      return false;
  }
}

/** RFC 7644 `pr`: not null, not an empty string, and not a complex value with nothing present inside. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isRecord(value)) return Object.values(value).some(isPresent);
  return true;
}

function subAttributeValues(value: unknown, subAttribute: AttributeDefinition): unknown[] {
  return listOf(value).flatMap((element) =>
    isRecord(element) ? listOf(ownProperty(element, subAttribute.name)) : [],
  );
}

/** A value as a list: multi-valued attributes are already arrays; absent values are no values. */
function listOf(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function ownProperty(record: Resource, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(value: unknown): value is Resource {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
