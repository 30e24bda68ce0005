/**
 * Whether an If-Match / If-None-Match header names `version`: `*`, or any listed tag, compared
 * weakly (RFC 9110 §8.8.3.2: `W/"x"` and `"x"` match), since clients echo either form.
 */
export function etagMatches(header: string, version: string): boolean {
  const current = version.replace(/^W\//, "");
  return header
    .split(",")
    .map((tag) => tag.trim())
    .some((tag) => tag === "*" || tag.replace(/^W\//, "") === current);
}
