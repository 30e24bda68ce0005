import { MAX_JSON_DEPTH, nestsDeeperThan } from "../scim/jsonDepth";

/** Keys whose values never reach a log, at any depth: passwords, secrets, tokens, credentials. */
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|assertion/i;

export const MASK = "***";

/**
 * The attribute a key or PATCH path names: `password`, `urn:…:User:password`,
 * `phoneNumbers[type eq "work"].value` → `phoneNumbers`.
 */
function attributeOf(name: string): string {
  const bracket = name.indexOf("[");
  const path = bracket >= 0 ? name.slice(0, bracket) : name;
  const unqualified = path.slice(path.lastIndexOf(":") + 1);
  return unqualified.split(".")[0] ?? "";
}

function isSecret(name: string, writeOnly: ReadonlySet<string>): boolean {
  return SECRET_KEY.test(name) || writeOnly.has(attributeOf(name).toLowerCase());
}

/** The key of `record` that is `name` in any case (PATCH operations: `path`, `Path`, `value`...). */
function keyOf(record: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(record).find((key) => key.toLowerCase() === name);
}

/**
 * A copy of a JSON value with every secret's value replaced by `***`: properties whose name looks
 * secret or is a write-only attribute (lower-cased names in `writeOnly`), and the `value` of a
 * PATCH operation whose `path` names one (`{"op":"replace","path":"password","value":…}`).
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function maskSecrets(value: unknown, writeOnly: ReadonlySet<string> = new Set()): unknown {
  const root: Record<string, unknown> = { value };
  // Each entry: a copied container and one of its keys whose value still needs masking.
  const work: [Record<string, unknown> | unknown[], string | number][] = [[root, "value"]];
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [holder, key] = next;
    const slot = holder as Record<string | number, unknown>;
    const current = slot[key];
    if (Array.isArray(current)) {
      const copy: unknown[] = [...(current as unknown[])];
      slot[key] = copy;
      copy.forEach((_, index) => work.push([copy, index]));
    } else if (typeof current === "object" && current !== null) {
      const copy: Record<string, unknown> = { ...current };
      slot[key] = copy;
      const pathKey = keyOf(copy, "path");
      const path = pathKey === undefined ? undefined : copy[pathKey];
      const valueKey = keyOf(copy, "value");
      const secretPath = typeof path === "string" && isSecret(path, writeOnly);
      for (const name of Object.keys(copy)) {
        if (isSecret(name, writeOnly) || (secretPath && name === valueKey)) copy[name] = MASK;
        else work.push([copy, name]);
      }
    }
  }
  return root.value;
}

/** A request or response body for a debug log: JSON is masked; anything else is only measured. */
export function maskBody(text: string, writeOnly: ReadonlySet<string> = new Set()): unknown {
  if (text === "") return undefined;
  if (nestsDeeperThan(text))
    return `<${text.length} characters, nested deeper than ${MAX_JSON_DEPTH} levels>`;
  try {
    return maskSecrets(JSON.parse(text), writeOnly);
  } catch {
    return `<${text.length} characters, not JSON>`;
  }
}
