import type { ResourceType } from "../schema/resourceType";
import type { AttributeDefinition } from "../schema/types";
import { isPlainObject, type ResourceDoc } from "./types";

/** What a write-only attribute's value becomes wherever a change to it is recorded. */
export const WRITE_ONLY_MASK = "***";

/**
 * A write-only attribute (RFC 7643 §7 `mutability: writeOnly`, `returned: never`: the password, or
 * one a tenant declared so) is accepted on input and then dropped: it is never stored, returned,
 * filtered on or recorded in clear.
 */
export function isWriteOnly(definition: AttributeDefinition): boolean {
  return definition.mutability === "writeOnly" || definition.returned === "never";
}

interface WriteOnlyKeys {
  /** Lower-cased names of write-only core attributes. */
  readonly core: ReadonlySet<string>;
  /** Lower-cased extension URN → lower-cased names of its write-only attributes. */
  readonly extensions: ReadonlyMap<string, ReadonlySet<string>>;
}

const keysByType = new WeakMap<ResourceType, WriteOnlyKeys>();

function writeOnlyKeys(type: ResourceType): WriteOnlyKeys {
  const known = keysByType.get(type);
  if (known) return known;
  const namesOf = (attributes: readonly AttributeDefinition[]) =>
    new Set(attributes.filter(isWriteOnly).map((attribute) => attribute.name.toLowerCase()));
  const extensions = new Map<string, ReadonlySet<string>>();
  for (const schema of type.extensions) {
    const names = namesOf(schema.attributes);
    if (names.size > 0) extensions.set(schema.id.toLowerCase(), names);
  }
  const keys = { core: namesOf(type.core.attributes), extensions };
  keysByType.set(type, keys);
  return keys;
}

/** `doc` with every write-only attribute replaced by `replace` (undefined drops it); unchanged when none. */
function rewrite(type: ResourceType, doc: ResourceDoc, replace: string | undefined): ResourceDoc {
  const keys = writeOnlyKeys(type);
  let result: ResourceDoc | undefined;
  const set = (holder: Record<string, unknown>, key: string) => {
    if (replace === undefined) delete holder[key];
    else holder[key] = replace;
  };
  for (const [key, value] of Object.entries(doc)) {
    const lower = key.toLowerCase();
    if (keys.core.has(lower)) {
      result ??= { ...doc };
      set(result, key);
      continue;
    }
    const names = keys.extensions.get(lower);
    if (!names || !isPlainObject(value)) continue;
    const doomed = Object.keys(value).filter((name) => names.has(name.toLowerCase()));
    if (doomed.length === 0) continue;
    const extension = { ...value };
    for (const name of doomed) set(extension, name);
    result ??= { ...doc };
    if (Object.keys(extension).length === 0) delete result[key];
    else result[key] = extension;
  }
  return result ?? doc;
}

/** The document without its write-only attributes (rows written before they were dropped hold some). */
export function withoutWriteOnly(type: ResourceType, doc: ResourceDoc): ResourceDoc {
  return rewrite(type, doc, undefined);
}

/** The document with each write-only attribute's value masked, for the audit trail. */
export function maskWriteOnly(type: ResourceType, doc: ResourceDoc): ResourceDoc {
  return rewrite(type, doc, WRITE_ONLY_MASK);
}

/** Lower-cased names of every write-only attribute of the types, for masking logged bodies. */
export function writeOnlyNames(types: readonly ResourceType[]): Set<string> {
  const names = new Set<string>();
  for (const type of types) {
    const keys = writeOnlyKeys(type);
    for (const name of keys.core) names.add(name);
    for (const extension of keys.extensions.values()) for (const name of extension) names.add(name);
  }
  return names;
}
