import { ScimError } from "../../../src/scim/errors";
import { tokenize, type SyntaxContext, type Token } from "../../../src/scim/filter/lexer";

const FILTER: SyntaxContext = { scimType: "invalidFilter", subject: "filter" };

/** Tokens without source text and position, for compact expectations. */
const kinds = (text: string) =>
  tokenize(text, FILTER).map((token: Token) => {
    switch (token.kind) {
      case "path":
        return token.path;
      case "compareOp":
        return token.op;
      case "value":
        return { value: token.value };
      case "word":
        return { word: token.text };
      default:
        return token.kind;
    }
  });

const lexError = (text: string): ScimError => {
  try {
    tokenize(text, FILTER);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be rejected`);
};

describe("tokenize", () => {
  it("reads a simple comparison", () => {
    expect(kinds('userName eq "bjensen"')).toEqual([{ attribute: "userName" }, "eq", { value: "bjensen" }]);
  });

  it("reads attribute paths with a sub-attribute", () => {
    expect(kinds("name.givenName")).toEqual([{ attribute: "name", subAttribute: "givenName" }]);
  });

  it("takes everything up to the last colon as the schema URN", () => {
    expect(kinds("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")).toEqual([
      {
        schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        attribute: "manager",
        subAttribute: "value",
      },
    ]);
    expect(kinds("urn:ietf:params:scim:schemas:core:2.0:User:userName")).toEqual([
      { schema: "urn:ietf:params:scim:schemas:core:2.0:User", attribute: "userName" },
    ]);
  });

  it("accepts $ref and names with digits, dashes and underscores", () => {
    expect(kinds("manager.$ref x-Attr_2")).toEqual([
      { attribute: "manager", subAttribute: "$ref" },
      { attribute: "x-Attr_2" },
    ]);
  });

  it("reads operators and keywords case-insensitively", () => {
    expect(kinds("EQ Ne co SW ew gT ge LT le PR And OR Not")).toEqual([
      "eq",
      "ne",
      "co",
      "sw",
      "ew",
      "gt",
      "ge",
      "lt",
      "le",
      "pr",
      "and",
      "or",
      "not",
    ]);
  });

  it("reads true, false and null case-insensitively", () => {
    expect(kinds("True FALSE null NULL")).toEqual([
      { value: true },
      { value: false },
      { value: null },
      { value: null },
    ]);
  });

  it("reads JSON numbers", () => {
    expect(kinds("0 -12 3.25 1e3 -2.5E-2")).toEqual([
      { value: 0 },
      { value: -12 },
      { value: 3.25 },
      { value: 1000 },
      { value: -0.025 },
    ]);
  });

  it("decodes JSON string escapes", () => {
    expect(kinds(String.raw`"a\"b\\c\/d\n\t\u00e9\uD83D\uDE00"`)).toEqual([{ value: 'a"b\\c/d\n\té😀' }]);
  });

  it("keeps non-ASCII characters in strings as they are", () => {
    expect(kinds('"Zoë 日本"')).toEqual([{ value: "Zoë 日本" }]);
  });

  it("reads brackets, parentheses and the dot after a closing bracket", () => {
    expect(kinds('emails[type eq "work"].value (x pr)')).toEqual([
      { attribute: "emails" },
      "[",
      { attribute: "type" },
      "eq",
      { value: "work" },
      "]",
      ".",
      { attribute: "value" },
      "(",
      { attribute: "x" },
      "pr",
      ")",
    ]);
  });

  it("does not need spaces around quotes and parentheses", () => {
    expect(kinds('not(userName eq"x")')).toEqual([
      "not",
      "(",
      { attribute: "userName" },
      "eq",
      { value: "x" },
      ")",
    ]);
  });

  it("keeps other unquoted runs as words, for Entra's unquoted values", () => {
    expect(kinds("jyoung john@contoso.com .5 1abc")).toEqual([
      { attribute: "jyoung" },
      { word: "john@contoso.com" },
      { word: ".5" },
      { word: "1abc" },
    ]);
  });

  it("records 1-based positions and source text", () => {
    const tokens = tokenize('  title  pr or x eq "a b"', FILTER);
    expect(tokens.map((token) => [token.text, token.position])).toEqual([
      ["title", 3],
      ["pr", 10],
      ["or", 13],
      ["x", 16],
      ["eq", 18],
      ['"a b"', 21],
    ]);
  });

  it("gives no tokens for blank input", () => {
    expect(tokenize(" \t\n", FILTER)).toEqual([]);
  });

  describe("rejects", () => {
    it.each([
      ['userName eq "abc', "Unterminated string starting at position 13 in filter"],
      [String.raw`x eq "a\qb"`, String.raw`Invalid escape "\q" at position 8 in filter`],
      [String.raw`x eq "\u12G4"`, String.raw`Invalid escape "\u12G4" at position 7 in filter`],
      [String.raw`x eq "\u12"`, String.raw`Invalid escape "\u12"" at position 7 in filter`],
      ['x eq "a\nb"', "Unescaped control character in string at position 8 in filter"],
      ["x eq 1e400", "Number 1e400 is out of range at position 6 in filter"],
    ])("%j", (text, detail) => {
      const error = lexError(text);
      expect(error).toMatchObject({ status: 400, scimType: "invalidFilter", detail });
    });

    it("reports errors as invalidPath when reading a PATCH path", () => {
      expect(() => tokenize('members[value eq "x]', { scimType: "invalidPath", subject: "path" })).toThrow(
        expect.objectContaining({
          scimType: "invalidPath",
          detail: "Unterminated string starting at position 18 in path",
        }),
      );
    });
  });
});
