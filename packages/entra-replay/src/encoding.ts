/**
 * Query strings as Entra puts them on the wire: form-urlencoded, so a space is `+` and a quote is
 * `%22` (`filter=userName+eq+%22alice%40contoso.com%22`, docs/entra-behaviour.md#matching-queries-and-test-connection).
 * Pairs keep their order: the group probe sends `excludedAttributes` before `filter`.
 */
export function entraQuery(pairs: readonly (readonly [string, string])[]): string {
  return new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, value])).toString();
}

/** An `eq` filter with a quoted value, the only form Entra sends for matching. */
export function eqFilter(attribute: string, value: string): string {
  return `${attribute} eq "${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `?filter=<attribute> eq "<value>"`, encoded. */
export function filterQuery(attribute: string, value: string): string {
  return entraQuery([["filter", eqFilter(attribute, value)]]);
}
