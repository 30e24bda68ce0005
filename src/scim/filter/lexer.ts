import { badRequest, type ScimError } from "../errors";
import type { AttributePath } from "../schema/types";
import type { ComparisonOperator, FilterValue } from "./ast";

/** What is being read: decides the error's scimType and how the detail names the input. */
export interface SyntaxContext {
  readonly scimType: "invalidFilter" | "invalidPath";
  readonly subject: "filter" | "path";
}

export type Token = {
  /** The token's source text. */
  readonly text: string;
  /** 1-based character position of the token's first character. */
  readonly position: number;
} & (
  | { readonly kind: "path"; readonly path: AttributePath }
  | { readonly kind: "compareOp"; readonly op: ComparisonOperator }
  | { readonly kind: "value"; readonly value: FilterValue }
  /** An unquoted run that is neither a keyword, a literal nor an attribute path. */
  | { readonly kind: "word" }
  | { readonly kind: "pr" | "and" | "or" | "not" | "(" | ")" | "[" | "]" | "." }
  /** Made by the parser when it reads past the last token. */
  | { readonly kind: "end" }
);

export const syntaxError = (
  context: SyntaxContext,
  problem: string,
  position: number,
  expected?: string,
): ScimError =>
  badRequest(
    context.scimType,
    `${problem} at position ${position} in ${context.subject}${expected === undefined ? "" : `; expected ${expected}`}`,
  );

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>([
  "eq",
  "ne",
  "co",
  "sw",
  "ew",
  "gt",
  "ge",
  "lt",
  "le",
]);
const LOGICAL_KEYWORDS: ReadonlySet<string> = new Set(["pr", "and", "or", "not"]);
const LITERALS: ReadonlyMap<string, FilterValue> = new Map([
  ["true", true],
  ["false", false],
  ["null", null],
]);
const PUNCTUATION: ReadonlySet<string> = new Set(["(", ")", "[", "]"]);
const WHITESPACE = /\s/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ATTRIBUTE_NAME = "[A-Za-z$][A-Za-z0-9_$-]*";
const NAME_AND_SUBATTRIBUTE = new RegExp(`^(${ATTRIBUTE_NAME})(?:\\.(${ATTRIBUTE_NAME}))?$`);
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

/** Splits filter or PATCH-path text into tokens. */
export function tokenize(text: string, context: SyntaxContext): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    const position = index + 1;
    if (WHITESPACE.test(char)) {
      index += 1;
    } else if (PUNCTUATION.has(char) || (char === "." && followsClosingBracket(tokens, position))) {
      tokens.push({ kind: char as "(" | ")" | "[" | "]" | ".", text: char, position });
      index += 1;
    } else if (char === '"') {
      const { value, end } = readString(text, index, context);
      tokens.push({ kind: "value", value, text: text.slice(index, end), position });
      index = end;
    } else {
      let end = index;
      while (end < text.length && !endsWord(text.charAt(end))) end += 1;
      const word = text.slice(index, end);
      tokens.push(classifyWord(word, position, context));
      index = end;
    }
  }
  return tokens;
}

/** `.` is a token only right after `]` (`emails[type eq "work"].value`); elsewhere it belongs to a word. */
function followsClosingBracket(tokens: readonly Token[], position: number): boolean {
  const previous = tokens.at(-1);
  return previous?.kind === "]" && previous.position === position - 1;
}

function endsWord(char: string): boolean {
  return WHITESPACE.test(char) || PUNCTUATION.has(char) || char === '"';
}

function classifyWord(text: string, position: number, context: SyntaxContext): Token {
  const lower = text.toLowerCase();
  if (COMPARISON_OPERATORS.has(lower)) {
    return { kind: "compareOp", op: lower as ComparisonOperator, text, position };
  }
  if (LOGICAL_KEYWORDS.has(lower)) return { kind: lower as "pr" | "and" | "or" | "not", text, position };
  const literal = LITERALS.get(lower);
  if (literal !== undefined) return { kind: "value", value: literal, text, position };
  if (JSON_NUMBER.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) throw syntaxError(context, `Number ${text} is out of range`, position);
    return { kind: "value", value, text, position };
  }
  const path = toAttributePath(text);
  return path === undefined ? { kind: "word", text, position } : { kind: "path", path, text, position };
}

/** `[schemaUrn:]name[.subName]`, where the URN is everything before the last `:`. */
function toAttributePath(word: string): AttributePath | undefined {
  const colon = word.lastIndexOf(":");
  if (colon === 0) return undefined;
  const match = NAME_AND_SUBATTRIBUTE.exec(word.slice(colon + 1));
  const attribute = match?.[1];
  if (attribute === undefined) return undefined;
  const subAttribute = match?.[2];
  return {
    ...(colon > 0 ? { schema: word.slice(0, colon) } : {}),
    attribute,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  };
}

/** Reads a JSON string literal starting at the opening quote `text[start]`. */
function readString(text: string, start: number, context: SyntaxContext): { value: string; end: number } {
  let value = "";
  let index = start + 1;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '"') return { value, end: index + 1 };
    if (char === "\\") {
      const escape = text.charAt(index + 1);
      if (escape === "u") {
        const hex = text.slice(index + 2, index + 6);
        if (!HEX4.test(hex)) throw syntaxError(context, `Invalid escape "\\u${hex}"`, index + 1);
        value += String.fromCharCode(parseInt(hex, 16));
        index += 6;
      } else {
        const decoded = SIMPLE_ESCAPES.get(escape);
        if (decoded === undefined) throw syntaxError(context, `Invalid escape "\\${escape}"`, index + 1);
        value += decoded;
        index += 2;
      }
    } else if (char < " ") {
      throw syntaxError(context, "Unescaped control character in string", index + 1);
    } else {
      value += char;
      index += 1;
    }
  }
  throw syntaxError(context, "Unterminated string starting", start + 1);
}
