/**
 * Deepest nesting of objects and arrays a JSON body may have. Entra's deepest body (a PATCH that
 * sets an extension's manager) nests 6 levels; code that walks a value (cloning, comparing,
 * storing it) recurses once per level, so a limit far below the stack's keeps every walk safe.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests objects and arrays deeper than `max`, by one pass over its characters
 * (brackets inside strings do not count), so a hostile body is refused before it is parsed.
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}
