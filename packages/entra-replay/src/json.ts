/** Small helpers for reading SCIM JSON the way Entra's deserializer does: attribute names ignore case. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value of an attribute, matching its name case-insensitively (RFC 7643 §2.1). */
export function prop(value: unknown, name: string): unknown {
  if (!isObject(value)) return undefined;
  if (name in value) return value[name];
  const wanted = name.toLowerCase();
  for (const [key, entry] of Object.entries(value)) if (key.toLowerCase() === wanted) return entry;
  return undefined;
}

/** The element of a multi-valued attribute whose `type` is `type` (`emails[type eq "work"]`). */
export function typed(value: unknown, type: string): unknown {
  if (!Array.isArray(value)) return undefined;
  return value.find((entry) => {
    const entryType = prop(entry, "type");
    return typeof entryType === "string" && entryType.toLowerCase() === type.toLowerCase();
  });
}

/** A short, single-line rendering for reports. */
export function preview(text: string, limit = 600): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit)}… (${flat.length} chars)` : flat;
}
