import { badRequest } from "../errors";
import { findByName } from "../schema/resourceType";
import type { AttributeDefinition } from "../schema/types";
import { maxValuesOf } from "./limits";
import { isPlainObject } from "./types";
import { booleanOf } from "./boolean";

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function invalid(where: string, expected: string): never {
  throw badRequest("invalidValue", `Attribute '${where}' must be ${expected}.`);
}

function coerceBoolean(raw: unknown, where: string): boolean {
  return booleanOf(raw) ?? invalid(where, "a boolean (true or false)");
}

function coerceSimple(definition: AttributeDefinition, raw: unknown, where: string): unknown {
  switch (definition.type) {
    case "boolean":
      return coerceBoolean(raw, where);
    case "integer":
      if (typeof raw === "number" && Number.isSafeInteger(raw)) return raw;
      return invalid(where, "an integer");
    case "decimal":
      if (typeof raw === "number" && Number.isFinite(raw)) return raw;
      return invalid(where, "a number");
    case "dateTime":
      if (typeof raw === "string" && DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw))) return raw;
      return invalid(where, "an xsd:dateTime string");
    default:
      if (typeof raw === "string") return raw;
      return invalid(where, "a string");
  }
}

function isCleared(raw: unknown): boolean {
  return raw === null || raw === undefined || raw === "";
}

/** An encoded role's `value`, as Entra's app role `value` (or, lacking one, its `id`). */
function roleValue(decoded: Record<string, unknown>): unknown {
  const value = decoded.value ?? decoded.id;
  return typeof value === "number" ? String(value) : value;
}

/** The object inside an Entra JSON-encoded role string, or undefined when `raw` is not one. */
function parseEncodedRole(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== "string" || !raw.trimStart().startsWith("{")) return undefined;
  try {
    const decoded: unknown = JSON.parse(raw);
    return isPlainObject(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `raw`, sent for a `roles` element's value, is one of Entra's JSON-encoded roles. */
export function isEncodedRole(definition: AttributeDefinition, raw: unknown): boolean {
  return definition.name === "roles" && parseEncodedRole(raw) !== undefined;
}

/**
 * Entra's default dialect sends an app role as a JSON-encoded string inside `value`:
 * `{"value":"{\"id\":\"06b0…\",\"value\":\"25\",\"displayName\":\"Role1234\"}"}`. It becomes a role
 * whose `value` is the role's value and `display` its displayName; the element's other
 * sub-attributes (type, primary) stay as sent.
 */
function decodeEncodedRole(definition: AttributeDefinition, element: Record<string, unknown>) {
  if (definition.name !== "roles") return element;
  const valueKey = Object.keys(element).find((key) => key.toLowerCase() === "value");
  const decoded = parseEncodedRole(valueKey === undefined ? undefined : element[valueKey]);
  if (!decoded) return element;
  const rest = Object.fromEntries(
    Object.entries(element).filter(([key]) => !["value", "display"].includes(key.toLowerCase())),
  );
  const display = typeof decoded.displayName === "string" ? decoded.displayName : element.display;
  return { ...rest, value: roleValue(decoded), ...(display === undefined ? {} : { display }) };
}

/** Sub-attributes under canonical names; unknown and readOnly ones are dropped, null ones cleared. */
function coerceComplex(
  definition: AttributeDefinition,
  raw: unknown,
  where: string,
): Record<string, unknown> | undefined {
  // A bare value stands for the element's `value` (Entra sends manager as a plain id string).
  const source = decodeEncodedRole(definition, isPlainObject(raw) ? raw : { value: raw });
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const sub = findByName(definition.subAttributes ?? [], key);
    if (!sub || sub.mutability === "readOnly" || isCleared(value)) continue;
    result[sub.name] = coerceSimple(sub, value, `${where}.${sub.name}`);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Older Entra PATCHes wrap single values in an array: `[{"$ref":null,"value":…}]` or `["…"]`. */
function unwrapLegacyArray(raw: unknown, complexTarget: boolean): unknown {
  if (!Array.isArray(raw) || raw.length !== 1) return raw;
  const element: unknown = raw[0];
  if (!complexTarget && isPlainObject(element) && "value" in element) return element.value;
  return element;
}

function coerceSingle(definition: AttributeDefinition, raw: unknown, where: string): unknown {
  const complexTarget = definition.type === "complex";
  const value = unwrapLegacyArray(raw, complexTarget);
  if (isCleared(value)) return undefined;
  return complexTarget ? coerceComplex(definition, value, where) : coerceSimple(definition, value, where);
}

/**
 * Brings a client-sent value of `definition` into its stored form: canonical sub-attribute names,
 * real booleans, arrays for multi-valued attributes. Returns undefined when the value clears the
 * attribute (null, "", empty array or object). Throws invalidValue for values of the wrong type.
 */
export function coerceAttributeValue(definition: AttributeDefinition, raw: unknown, where: string): unknown {
  if (isCleared(raw)) return undefined;
  if (definition.verbatim) return raw;
  if (!definition.multiValued) return coerceSingle(definition, raw, where);
  const elements = Array.isArray(raw) ? raw : [raw];
  const limit = maxValuesOf(definition);
  if (elements.length > limit) {
    throw badRequest("invalidValue", `Attribute '${where}' may hold at most ${limit} values in one request.`);
  }
  const values = elements
    .filter((element) => !isCleared(element))
    .map((element) =>
      definition.type === "complex"
        ? coerceComplex(definition, element, where)
        : coerceSimple(definition, element, where),
    )
    .filter((element) => element !== undefined);
  return values.length > 0 ? values : undefined;
}
