import type { AttributeChange } from "../scim/audit/diff";

/** A string property holds at most 32K characters; larger change lists keep only attribute names. */
const MAX_CHANGES_CHARS = 30_000;

/** A change list as one string property (of an audit or outbox row). */
export function serializeChanges(changes: readonly AttributeChange[]): string {
  const full = JSON.stringify(changes);
  if (full.length <= MAX_CHANGES_CHARS) return full;
  return JSON.stringify(changes.map(({ attribute }) => ({ attribute, truncated: true }))).slice(
    0,
    MAX_CHANGES_CHARS,
  );
}
