/**
 * A SCIM boolean as Entra sends it: a JSON boolean (compliant dialect), or "True"/"False" in any
 * letter case (default dialect), nothing else (docs/entra-behaviour.md#true-and-false-strings).
 * Undefined when `raw` is not one of those.
 */
export function booleanOf(raw: unknown): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (typeof raw !== "string") return undefined;
  const lower = raw.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return undefined;
}
