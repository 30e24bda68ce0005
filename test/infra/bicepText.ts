import { readFileSync } from "node:fs";
import { join } from "node:path";

export const INFRA_DIR = join(__dirname, "..", "..", "infra");

export function readInfra(...segments: string[]): string {
  return readFileSync(join(INFRA_DIR, ...segments), "utf8");
}

/**
 * The body of a top-level Bicep declaration: the text from the line that matches `header` to the next
 * line that is a lone `}` at column 0 (how `bicep format` closes every top-level declaration).
 */
export function topLevelBlock(bicep: string, header: RegExp): string {
  const lines = bicep.split(/\r?\n/);
  const start = lines.findIndex((line) => header.test(line));
  if (start < 0) throw new Error(`no declaration matches ${String(header)}`);
  const end = lines.findIndex((line, i) => i > start && line === "}");
  if (end < 0) throw new Error(`declaration ${String(header)} is not closed`);
  return lines.slice(start + 1, end).join("\n");
}

/** Keys of the object assigned to `properties:` inside a block, one level deep (comments skipped). */
export function propertyKeys(block: string): string[] {
  const lines = block.split("\n");
  const open = lines.findIndex((line) => /^\s*properties:\s*\{\s*$/.test(line));
  if (open < 0) throw new Error("block has no multi-line `properties: {`");
  const indent = /^(\s*)/.exec(lines[open]!)![1]!.length;
  const keys: string[] = [];
  for (const line of lines.slice(open + 1)) {
    const lineIndent = /^(\s*)/.exec(line)![1]!.length;
    if (line.trim() === "}" && lineIndent === indent) break;
    if (lineIndent !== indent + 2 || line.trim().startsWith("//")) continue;
    const key = /^\s*'?([A-Za-z0-9_.-]+)'?\s*:/.exec(line);
    if (key) keys.push(key[1]!);
  }
  return keys;
}
