import { isPlainObject, type ResourceDoc } from "../resource/types";

export interface AttributeChange {
  /** `userName`, `name`, or `urn:…:User:department` for extension attributes. */
  readonly attribute: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

function flatten(doc: ResourceDoc | undefined): Map<string, unknown> {
  const attributes = new Map<string, unknown>();
  for (const [key, value] of Object.entries(doc ?? {})) {
    if (key.toLowerCase().startsWith("urn:") && isPlainObject(value)) {
      for (const [name, inner] of Object.entries(value)) attributes.set(`${key}:${name}`, inner);
    } else {
      attributes.set(key, value);
    }
  }
  return attributes;
}

/** The top-level (and extension) attributes that differ between two versions of a resource. */
export function diffResources(
  before: ResourceDoc | undefined,
  after: ResourceDoc | undefined,
): AttributeChange[] {
  const old = flatten(before);
  const fresh = flatten(after);
  const names = [...new Set([...old.keys(), ...fresh.keys()])].sort();
  return names.flatMap((attribute) => {
    const was = old.get(attribute);
    const now = fresh.get(attribute);
    // A created or removed attribute needs no deep comparison (the common case: every create).
    if (
      was === now ||
      (was !== undefined && now !== undefined && JSON.stringify(was) === JSON.stringify(now))
    )
      return [];
    return [
      {
        attribute,
        ...(was === undefined ? {} : { before: was }),
        ...(now === undefined ? {} : { after: now }),
      },
    ];
  });
}
