/**
 * RFC 7644 §3.4.2.2 filters for the plain RFC server used by the replay's tests: the grammar in
 * the RFC's ABNF (attribute paths, value paths, and/or/not, grouping), evaluated over JSON.
 */

export type Filter =
  | { readonly kind: "and" | "or"; readonly left: Filter; readonly right: Filter }
  | { readonly kind: "not"; readonly filter: Filter }
  | { readonly kind: "present"; readonly path: string }
  | { readonly kind: "compare"; readonly path: string; readonly op: string; readonly value: unknown }
  | { readonly kind: "valuePath"; readonly path: string; readonly filter: Filter };

export class FilterError extends Error {}

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|\(|\)|\[|\]|[^\s()[\]]+)/y;
const OPERATORS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let end = 0;
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(text)) !== null) {
    tokens.push(match[1] ?? "");
    end = TOKEN.lastIndex;
  }
  if (text.slice(end).trim() !== "") throw new FilterError(`cannot read "${text}"`);
  return tokens;
}

function literal(token: string): unknown {
  if (token.startsWith('"')) return JSON.parse(token) as unknown;
  if (token === "true") return true;
  if (token === "false") return false;
  if (token === "null") return null;
  const number = Number(token);
  if (token !== "" && Number.isFinite(number)) return number;
  throw new FilterError(`not a value: ${token}`);
}

export function parseFilter(text: string): Filter {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => {
    const token = tokens[position];
    if (token === undefined) throw new FilterError("unexpected end of filter");
    position += 1;
    return token;
  };
  const expect = (wanted: string) => {
    if (take() !== wanted) throw new FilterError(`expected "${wanted}"`);
  };
  const orExpression = (): Filter => {
    let left = andExpression();
    while (peek()?.toLowerCase() === "or") {
      take();
      left = { kind: "or", left, right: andExpression() };
    }
    return left;
  };
  const andExpression = (): Filter => {
    let left = factor();
    while (peek()?.toLowerCase() === "and") {
      take();
      left = { kind: "and", left, right: factor() };
    }
    return left;
  };
  const factor = (): Filter => {
    const token = take();
    if (token === "(") {
      const inner = orExpression();
      expect(")");
      return inner;
    }
    if (token.toLowerCase() === "not") {
      expect("(");
      const inner = orExpression();
      expect(")");
      return { kind: "not", filter: inner };
    }
    if (peek() === "[") {
      take();
      const inner = orExpression();
      expect("]");
      return { kind: "valuePath", path: token, filter: inner };
    }
    const op = take().toLowerCase();
    if (op === "pr") return { kind: "present", path: token };
    if (!OPERATORS.has(op)) throw new FilterError(`unknown operator "${op}"`);
    return { kind: "compare", path: token, op, value: literal(take()) };
  };
  const filter = orExpression();
  if (position !== tokens.length) throw new FilterError(`unexpected "${tokens[position] ?? ""}"`);
  return filter;
}

/** A key of an object, matched case-insensitively (attribute names are case-insensitive). */
export function getKey(object: unknown, name: string): unknown {
  if (typeof object !== "object" || object === null || Array.isArray(object)) return undefined;
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (object as Record<string, unknown>)[key];
}

/** `urn:…:User:department` → [urn, "department"]; `name.givenName` → [undefined, "name.givenName"]. */
export function splitUrn(path: string): [string | undefined, string] {
  if (!path.toLowerCase().startsWith("urn:")) return [undefined, path];
  const colon = path.lastIndexOf(":");
  return [path.slice(0, colon), path.slice(colon + 1)];
}

/** Every value at an attribute path; multi-valued attributes contribute each element. */
function valuesAt(resource: unknown, path: string): unknown[] {
  const [urn, rest] = splitUrn(path);
  let current: unknown[] = [urn === undefined ? resource : getKey(resource, urn)];
  for (const name of rest.split(".")) {
    current = current.flatMap((value) => {
      if (Array.isArray(value)) return value.map((element) => getKey(element, name));
      return [getKey(value, name)];
    });
  }
  return current
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((v) => v !== undefined && v !== null);
}

function compare(actual: unknown, op: string, expected: unknown, caseExact: boolean): boolean {
  if (typeof actual === "string" && typeof expected === "string") {
    const a = caseExact ? actual : actual.toLowerCase();
    const b = caseExact ? expected : expected.toLowerCase();
    switch (op) {
      case "eq":
        return a === b;
      case "ne":
        return a !== b;
      case "co":
        return a.includes(b);
      case "sw":
        return a.startsWith(b);
      case "ew":
        return a.endsWith(b);
      case "gt":
        return a > b;
      case "ge":
        return a >= b;
      case "lt":
        return a < b;
      default:
        return a <= b;
    }
  }
  if (op === "eq") return actual === expected;
  if (op === "ne") return actual !== expected;
  if (typeof actual === "number" && typeof expected === "number")
    return op === "gt"
      ? actual > expected
      : op === "ge"
        ? actual >= expected
        : op === "lt"
          ? actual < expected
          : actual <= expected;
  return false;
}

export function matches(resource: unknown, filter: Filter, caseExact: (path: string) => boolean): boolean {
  switch (filter.kind) {
    case "and":
      return matches(resource, filter.left, caseExact) && matches(resource, filter.right, caseExact);
    case "or":
      return matches(resource, filter.left, caseExact) || matches(resource, filter.right, caseExact);
    case "not":
      return !matches(resource, filter.filter, caseExact);
    case "present":
      return valuesAt(resource, filter.path).length > 0;
    case "valuePath":
      return valuesAt(resource, filter.path).some((element) => matches(element, filter.filter, caseExact));
    case "compare": {
      const values = valuesAt(resource, filter.path);
      if (filter.op === "ne")
        return values.every((value) => compare(value, "ne", filter.value, caseExact(filter.path)));
      return values.some((value) => compare(value, filter.op, filter.value, caseExact(filter.path)));
    }
  }
}
