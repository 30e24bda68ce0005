import { badRequest, type ScimError } from "../errors";
import type { AttributePath } from "../schema/types";
import type { Filter, FilterValue, PatchPath } from "./ast";
import { syntaxError, tokenize, type SyntaxContext, type Token } from "./lexer";

const MAX_FILTER_LENGTH = 4096;
/** Parentheses and brackets deeper than this are rejected, so hostile input cannot exhaust the stack. */
const MAX_NESTING_DEPTH = 32;
/**
 * Most conditions (`attr op value`, `attr pr`) one filter or PATCH value path may hold. Entra sends
 * one or two; each condition is evaluated on every candidate (or every element), so the count,
 * not the text length, bounds the work.
 */
const MAX_FILTER_TERMS = 100;

/** A lone UTF-16 surrogate is not text: no stored value can equal it, and no storage query can carry it. */
const LONE_SURROGATE = /\p{Cs}/u;

const FILTER: SyntaxContext = { scimType: "invalidFilter", subject: "filter" };
const PATCH_PATH: SyntaxContext = { scimType: "invalidPath", subject: "path" };

/**
 * Paths at the resource's top level may be URN-qualified and carry a sub-attribute; paths inside
 * `attr[...]` are bare sub-attribute names relative to one element.
 */
type Scope = "resource" | "element";

/** Parses a SCIM filter (RFC 7644 §3.4.2.2, plus Entra's `attr[filter].sub op value`). */
export function parseFilter(text: string): Filter {
  const parser = new Parser(text, FILTER);
  const filter = parser.orExpression("resource", 0);
  parser.expectEnd();
  return filter;
}

/** Parses a PATCH operation path (RFC 7644 §3.5.2): `attrPath` or `attr[filter][.subAttr]`. */
export function parsePatchPath(text: string): PatchPath {
  const parser = new Parser(text, PATCH_PATH);
  const path = parser.attributePath("resource");
  if (!parser.at("[")) {
    parser.expectEnd();
    return { path };
  }
  parser.rejectSubAttributeBeforeBracket(path);
  const valueFilter = parser.valueFilter(0);
  const subAttribute = parser.at(".") ? parser.subAttributeAfterDot() : undefined;
  parser.expectEnd();
  return { path: subAttribute === undefined ? path : { ...path, subAttribute }, valueFilter };
}

class Parser {
  private readonly tokens: readonly Token[];
  private readonly end: Token;
  private index = 0;
  private terms = 0;

  constructor(
    text: string,
    private readonly context: SyntaxContext,
  ) {
    if (text.length > MAX_FILTER_LENGTH) {
      throw badRequest(
        context.scimType,
        `The ${context.subject} is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are allowed`,
      );
    }
    this.tokens = tokenize(text, context);
    this.end = { kind: "end", text: "", position: text.length + 1 };
  }

  at(kind: Token["kind"]): boolean {
    return this.peek().kind === kind;
  }

  expectEnd(): void {
    if (!this.at("end")) throw this.unexpected(this.peek(), "end of input");
  }

  orExpression(scope: Scope, depth: number): Filter {
    let left = this.andExpression(scope, depth);
    while (this.at("or")) {
      this.next();
      left = { kind: "or", left, right: this.andExpression(scope, depth) };
    }
    return left;
  }

  attributePath(scope: Scope): AttributePath {
    const token = this.next();
    if (token.kind !== "path") throw this.unexpected(token, "an attribute name");
    if (scope === "element" && (token.path.schema !== undefined || token.path.subAttribute !== undefined)) {
      throw syntaxError(
        this.context,
        `Attribute "${token.text}" inside [...] must be a bare sub-attribute name`,
        token.position,
      );
    }
    return token.path;
  }

  rejectSubAttributeBeforeBracket(path: AttributePath): void {
    if (path.subAttribute !== undefined) {
      throw syntaxError(
        this.context,
        `A value filter cannot follow the sub-attribute "${path.subAttribute}"`,
        this.peek().position,
      );
    }
  }

  /** `[filter]`, whose paths are relative to one element of the attribute before the bracket. */
  valueFilter(depth: number): Filter {
    const open = this.expect("[");
    this.checkDepth(depth + 1, open);
    const filter = this.orExpression("element", depth + 1);
    this.expect("]");
    return filter;
  }

  subAttributeAfterDot(): string {
    this.expect(".");
    return this.attributePath("element").attribute;
  }

  private andExpression(scope: Scope, depth: number): Filter {
    let left = this.factor(scope, depth);
    while (this.at("and")) {
      this.next();
      left = { kind: "and", left, right: this.factor(scope, depth) };
    }
    return left;
  }

  private factor(scope: Scope, depth: number): Filter {
    if (this.at("not")) {
      this.next();
      return { kind: "not", filter: this.group(scope, depth) };
    }
    if (this.at("(")) return this.group(scope, depth);
    return this.attributeExpression(scope, depth);
  }

  private group(scope: Scope, depth: number): Filter {
    const open = this.expect("(");
    this.checkDepth(depth + 1, open);
    const filter = this.orExpression(scope, depth + 1);
    this.expect(")");
    return filter;
  }

  private attributeExpression(scope: Scope, depth: number): Filter {
    const path = this.attributePath(scope);
    if (!this.at("[")) return this.condition(path);
    if (scope === "element") {
      throw syntaxError(this.context, "Value filters cannot be nested", this.peek().position);
    }
    this.rejectSubAttributeBeforeBracket(path);
    const filter = this.valueFilter(depth);
    if (!this.at(".")) return { kind: "valuePath", path, filter };
    // Entra's `emails[type eq "work"].value eq "x"`: both conditions must hold for the same element.
    const condition = this.condition({ attribute: this.subAttributeAfterDot() });
    return { kind: "valuePath", path, filter: { kind: "and", left: filter, right: condition } };
  }

  /** `path pr` or `path op value`, once the path has been read. */
  private condition(path: AttributePath): Filter {
    const token = this.next();
    this.terms += 1;
    if (this.terms > MAX_FILTER_TERMS) {
      throw syntaxError(
        this.context,
        `More than ${MAX_FILTER_TERMS} conditions (the filter-term limit)`,
        token.position,
      );
    }
    if (token.kind === "pr") return { kind: "present", path };
    if (token.kind !== "compareOp") throw this.unexpected(token, 'a comparison operator or "pr"');
    return { kind: "compare", path, op: token.op, value: this.comparisonValue() };
  }

  private comparisonValue(): FilterValue {
    const token = this.next();
    // Entra's legacy docs send `externalId eq jyoung`: take a single unquoted token as a string.
    const value =
      token.kind === "value"
        ? token.value
        : token.kind === "path" || token.kind === "word"
          ? token.text
          : undefined;
    if (value === undefined) throw this.unexpected(token, "a value");
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      throw syntaxError(this.context, "The value holds an unpaired UTF-16 surrogate", token.position);
    }
    return value;
  }

  private checkDepth(depth: number, token: Token): void {
    if (depth > MAX_NESTING_DEPTH) {
      throw syntaxError(
        this.context,
        `Nesting deeper than ${MAX_NESTING_DEPTH} levels of parentheses or brackets`,
        token.position,
      );
    }
  }

  private expect(kind: "(" | ")" | "[" | "]" | "."): Token {
    const token = this.next();
    if (token.kind !== kind) throw this.unexpected(token, `"${kind}"`);
    return token;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.end;
  }

  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private unexpected(token: Token, expected: string): ScimError {
    const problem = token.kind === "end" ? "Unexpected end" : `Unexpected token "${token.text}"`;
    return syntaxError(this.context, problem, token.position, expected);
  }
}
