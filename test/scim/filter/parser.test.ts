import fc from "fast-check";
import { ScimError } from "../../../src/scim/errors";
import type { Filter } from "../../../src/scim/filter/ast";
import { parseFilter, parsePatchPath } from "../../../src/scim/filter/parser";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const eq = (attribute: string, value: string | number | boolean | null): Filter => ({
  kind: "compare",
  path: { attribute },
  op: "eq",
  value,
});
const pr = (attribute: string): Filter => ({ kind: "present", path: { attribute } });
const and = (left: Filter, right: Filter): Filter => ({ kind: "and", left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: "or", left, right });
const not = (filter: Filter): Filter => ({ kind: "not", filter });

const rejection = (parse: () => unknown): ScimError => {
  try {
    parse();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error("expected a ScimError");
};

describe("parseFilter", () => {
  describe("Entra's wire forms", () => {
    it("userName eq", () => {
      expect(parseFilter('userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"')).toEqual(
        eq("userName", "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"),
      );
    });

    it("externalId eq, quoted and (legacy docs) unquoted", () => {
      expect(parseFilter('externalId eq "johnwong"')).toEqual(eq("externalId", "johnwong"));
      expect(parseFilter("externalId eq jyoung")).toEqual(eq("externalId", "jyoung"));
      expect(parseFilter("externalId eq john.wong@contoso.com")).toEqual(
        eq("externalId", "john.wong@contoso.com"),
      );
    });

    it("group displayName eq", () => {
      expect(parseFilter('displayName eq "Sales Team"')).toEqual(eq("displayName", "Sales Team"));
    });

    it('emails[type eq "work"].value eq: both conditions on the same element', () => {
      expect(parseFilter('emails[type eq "work"].value eq "user@contoso.com"')).toEqual({
        kind: "valuePath",
        path: { attribute: "emails" },
        filter: and(eq("type", "work"), eq("value", "user@contoso.com")),
      });
    });

    it("keeps the client's spelling of sub-attributes (`.Value`)", () => {
      expect(parseFilter('emails[type eq "other"].Value pr')).toEqual({
        kind: "valuePath",
        path: { attribute: "emails" },
        filter: and(eq("type", "other"), pr("Value")),
      });
    });

    it("id eq … and manager eq … (legacy reference check)", () => {
      expect(parseFilter('id eq "a1" and manager eq "m1"')).toEqual(and(eq("id", "a1"), eq("manager", "m1")));
    });

    it("URN-qualified extension attributes", () => {
      expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual({
        kind: "compare",
        path: { schema: ENTERPRISE, attribute: "employeeNumber" },
        op: "eq",
        value: "701984",
      });
      expect(parseFilter(`${ENTERPRISE}:manager.value eq "m1"`)).toEqual({
        kind: "compare",
        path: { schema: ENTERPRISE, attribute: "manager", subAttribute: "value" },
        op: "eq",
        value: "m1",
      });
    });

    it("members[value eq …]", () => {
      expect(parseFilter('members[value eq "7f4bc1a3"]')).toEqual({
        kind: "valuePath",
        path: { attribute: "members" },
        filter: eq("value", "7f4bc1a3"),
      });
    });
  });

  describe("RFC 7644 §3.4.2.2 grammar", () => {
    it("reads every comparison operator and value type", () => {
      expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual({
        kind: "compare",
        path: { attribute: "meta", subAttribute: "lastModified" },
        op: "gt",
        value: "2011-05-13T04:42:34Z",
      });
      for (const op of ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const) {
        expect(parseFilter(`x ${op.toUpperCase()} 1.5`)).toEqual({
          kind: "compare",
          path: { attribute: "x" },
          op,
          value: 1.5,
        });
      }
      expect(parseFilter("active eq True")).toEqual(eq("active", true));
      expect(parseFilter("title eq null")).toEqual(eq("title", null));
    });

    it("reads pr", () => {
      expect(parseFilter("title pr")).toEqual(pr("title"));
    });

    it("reads a valuePath with a logical filter inside", () => {
      expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
        kind: "valuePath",
        path: { attribute: "emails" },
        filter: and(eq("type", "work"), {
          kind: "compare",
          path: { attribute: "value" },
          op: "co",
          value: "@example.com",
        }),
      });
      expect(parseFilter('emails[not (type eq "work")]')).toEqual({
        kind: "valuePath",
        path: { attribute: "emails" },
        filter: not(eq("type", "work")),
      });
    });

    it("reads a URN-qualified valuePath", () => {
      expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toEqual({
        kind: "valuePath",
        path: { schema: "urn:ietf:params:scim:schemas:core:2.0:User", attribute: "emails" },
        filter: eq("type", "work"),
      });
    });

    it("combines a valuePath with other expressions", () => {
      expect(
        parseFilter('userType eq "Employee" and emails[type eq "work" and value co "@x.com"] or title pr'),
      ).toEqual(
        or(
          and(eq("userType", "Employee"), {
            kind: "valuePath",
            path: { attribute: "emails" },
            filter: and(eq("type", "work"), {
              kind: "compare",
              path: { attribute: "value" },
              op: "co",
              value: "@x.com",
            }),
          }),
          pr("title"),
        ),
      );
    });

    it("is lenient about whitespace", () => {
      expect(parseFilter('  ( a pr )\tand\n(b eq "x")  ')).toEqual(and(pr("a"), eq("b", "x")));
    });
  });

  describe("precedence: not > and > or", () => {
    it("and binds tighter than or", () => {
      expect(parseFilter("a pr or b pr and c pr")).toEqual(or(pr("a"), and(pr("b"), pr("c"))));
      expect(parseFilter("a pr and b pr or c pr")).toEqual(or(and(pr("a"), pr("b")), pr("c")));
    });

    it("not applies to the group that follows it only", () => {
      expect(parseFilter("not (a pr) and b pr")).toEqual(and(not(pr("a")), pr("b")));
      expect(parseFilter("a pr or not (b pr or c pr)")).toEqual(or(pr("a"), not(or(pr("b"), pr("c")))));
    });

    it("parentheses override precedence", () => {
      expect(parseFilter("(a pr or b pr) and c pr")).toEqual(and(or(pr("a"), pr("b")), pr("c")));
      expect(parseFilter('title pr or (externalId eq "abc" and active eq true)')).toEqual(
        or(pr("title"), and(eq("externalId", "abc"), eq("active", true))),
      );
    });

    it("and and or associate to the left", () => {
      expect(parseFilter("a pr and b pr and c pr")).toEqual(and(and(pr("a"), pr("b")), pr("c")));
      expect(parseFilter("a pr or b pr or c pr")).toEqual(or(or(pr("a"), pr("b")), pr("c")));
    });

    it("keywords are case-insensitive", () => {
      expect(parseFilter("NOT (a PR) AND b Pr OR c pR")).toEqual(or(and(not(pr("a")), pr("b")), pr("c")));
    });
  });

  describe("errors name the problem and the 1-based position", () => {
    it.each([
      ['userName eq "x")', 'Unexpected token ")" at position 16 in filter; expected end of input'],
      ['(userName eq "x"', 'Unexpected end at position 17 in filter; expected ")"'],
      ["", "Unexpected end at position 1 in filter; expected an attribute name"],
      ["   ", "Unexpected end at position 4 in filter; expected an attribute name"],
      ["userName", 'Unexpected end at position 9 in filter; expected a comparison operator or "pr"'],
      [
        'userName equals "x"',
        'Unexpected token "equals" at position 10 in filter; expected a comparison operator or "pr"',
      ],
      ["userName eq", "Unexpected end at position 12 in filter; expected a value"],
      ["userName eq )", 'Unexpected token ")" at position 13 in filter; expected a value'],
      ['eq eq "x"', 'Unexpected token "eq" at position 1 in filter; expected an attribute name'],
      ['"x" eq userName', 'Unexpected token ""x"" at position 1 in filter; expected an attribute name'],
      ["a pr and or b pr", 'Unexpected token "or" at position 10 in filter; expected an attribute name'],
      ["not a pr", 'Unexpected token "a" at position 5 in filter; expected "("'],
      ['userName eq "x" y', 'Unexpected token "y" at position 17 in filter; expected end of input'],
      ['emails[type eq "work"', 'Unexpected end at position 22 in filter; expected "]"'],
      ['emails[type eq "work"].', "Unexpected end at position 24 in filter; expected an attribute name"],
      [
        'emails[type eq "work"].value',
        'Unexpected end at position 29 in filter; expected a comparison operator or "pr"',
      ],
      [
        'emails[type eq "work"].value.x eq "a"',
        'Attribute "value.x" inside [...] must be a bare sub-attribute name at position 24 in filter',
      ],
      [
        'emails[urn:x:type eq "work"]',
        'Attribute "urn:x:type" inside [...] must be a bare sub-attribute name at position 8 in filter',
      ],
      ['emails[type[value eq "x"] pr]', "Value filters cannot be nested at position 12 in filter"],
      [
        'name.givenName[value eq "x"]',
        'A value filter cannot follow the sub-attribute "givenName" at position 15 in filter',
      ],
      ["x eq [", 'Unexpected token "[" at position 6 in filter; expected a value'],
    ])("%j", (text, detail) => {
      expect(rejection(() => parseFilter(text))).toMatchObject({
        status: 400,
        scimType: "invalidFilter",
        detail,
      });
    });
  });

  describe("limits against hostile input", () => {
    it("rejects filters longer than 4096 characters", () => {
      const text = `userName eq "${"a".repeat(4096)}"`;
      expect(rejection(() => parseFilter(text))).toMatchObject({
        scimType: "invalidFilter",
        detail: "The filter is 4110 characters long; at most 4096 are allowed",
      });
    });

    it("accepts 32 levels of nesting and rejects 33", () => {
      expect(parseFilter(`${"(".repeat(32)}a pr${")".repeat(32)}`)).toEqual(pr("a"));
      expect(rejection(() => parseFilter(`${"(".repeat(33)}a pr${")".repeat(33)}`))).toMatchObject({
        scimType: "invalidFilter",
        detail: "Nesting deeper than 32 levels of parentheses or brackets at position 33 in filter",
      });
    });

    it("counts brackets and not-groups towards the depth", () => {
      const inner = `${"(".repeat(32)}type pr${")".repeat(32)}`;
      expect(rejection(() => parseFilter(`emails[${inner}]`))).toMatchObject({
        detail: expect.stringMatching(/^Nesting deeper/),
      });
      expect(rejection(() => parseFilter(`${"not (".repeat(33)}a pr${")".repeat(33)}`))).toMatchObject({
        detail: expect.stringMatching(/^Nesting deeper than 32 .* at position 165 in filter$/),
      });
    });

    it("gives a ScimError, not a stack overflow, for 10000 open parentheses", () => {
      expect(rejection(() => parseFilter("(".repeat(10000)))).toMatchObject({
        status: 400,
        scimType: "invalidFilter",
      });
    });

    it("stops at the depth limit before the stack does, just under the length limit", () => {
      for (const text of ["(".repeat(4096), "not (".repeat(819), "emails[".repeat(585)]) {
        expect(rejection(() => parseFilter(text))).toMatchObject({
          status: 400,
          scimType: "invalidFilter",
          detail: expect.stringMatching(/^(Nesting deeper than 32|Value filters cannot be nested)/),
        });
      }
    });

    it("accepts 100 conditions and refuses the 101st, naming the limit", () => {
      const terms = (count: number) => Array.from({ length: count }, () => "a pr").join(" or ");
      expect(() => parseFilter(terms(100))).not.toThrow();
      expect(rejection(() => parseFilter(terms(101)))).toMatchObject({
        status: 400,
        scimType: "invalidFilter",
        detail: "More than 100 conditions (the filter-term limit) at position 803 in filter",
      });
      expect(rejection(() => parsePatchPath(`phoneNumbers[${terms(101)}]`))).toMatchObject({
        scimType: "invalidPath",
        detail: expect.stringMatching(/^More than 100 conditions/),
      });
    });

    it("refuses a lone surrogate in a value, escaped or raw, quoted or not", () => {
      for (const text of ['userName eq "\\ud800"', 'userName eq "a\udfff"', "userName eq \udc00x"]) {
        expect(rejection(() => parseFilter(text))).toMatchObject({
          status: 400,
          scimType: "invalidFilter",
          detail: expect.stringMatching(/unpaired UTF-16 surrogate/),
        });
      }
      expect(parseFilter('userName eq "\\ud83d\\ude00"')).toEqual(eq("userName", "😀"));
    });

    it("never throws anything but a ScimError, whatever the input", () => {
      const filterish = fc
        .array(
          fc.constantFrom(
            " ",
            "(",
            ")",
            "[",
            "]",
            ".",
            '"',
            "\\",
            "\\u",
            "eq",
            "pr",
            "and",
            "or",
            "not",
            "true",
            "null",
            "-1.5e3",
            "userName",
            "emails",
            "type",
            "value",
            "urn:ietf:params:scim:schemas:core:2.0:User:",
            "$ref",
            ":",
            "x@y",
          ),
          { maxLength: 40 },
        )
        .map((parts) => parts.join(""));
      const isScimErrorOrFilter = (text: string) => {
        try {
          parseFilter(text);
        } catch (error) {
          return error instanceof ScimError && error.status === 400 && error.scimType === "invalidFilter";
        }
        return true;
      };
      fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), isScimErrorOrFilter), {
        numRuns: 2000,
      });
      fc.assert(fc.property(filterish, isScimErrorOrFilter), { numRuns: 5000 });
    });
  });
});

describe("parsePatchPath", () => {
  it.each([
    ["userName", { path: { attribute: "userName" } }],
    ["name.givenName", { path: { attribute: "name", subAttribute: "givenName" } }],
    [`${ENTERPRISE}:manager`, { path: { schema: ENTERPRISE, attribute: "manager" } }],
    [
      `${ENTERPRISE}:manager.value`,
      { path: { schema: ENTERPRISE, attribute: "manager", subAttribute: "value" } },
    ],
    ["manager.$ref", { path: { attribute: "manager", subAttribute: "$ref" } }],
    [
      'members[value eq "7f4bc1a3"]',
      { path: { attribute: "members" }, valueFilter: eq("value", "7f4bc1a3") },
    ],
    [
      'emails[type eq "work"].value',
      { path: { attribute: "emails", subAttribute: "value" }, valueFilter: eq("type", "work") },
    ],
    [
      'addresses[type eq "work" and primary eq true].streetAddress',
      {
        path: { attribute: "addresses", subAttribute: "streetAddress" },
        valueFilter: and(eq("type", "work"), eq("primary", true)),
      },
    ],
    [
      "urn:ietf:params:scim:schemas:core:2.0:User:emails[primary eq true].value",
      {
        path: {
          schema: "urn:ietf:params:scim:schemas:core:2.0:User",
          attribute: "emails",
          subAttribute: "value",
        },
        valueFilter: eq("primary", true),
      },
    ],
  ])("%s", (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each([
    ["", "Unexpected end at position 1 in path; expected an attribute name"],
    ['"userName"', 'Unexpected token ""userName"" at position 1 in path; expected an attribute name'],
    ["userName eq", 'Unexpected token "eq" at position 10 in path; expected end of input'],
    [
      "name.givenName.x",
      'Unexpected token "name.givenName.x" at position 1 in path; expected an attribute name',
    ],
    ['emails[type eq "work"', 'Unexpected end at position 22 in path; expected "]"'],
    [
      'emails[type eq "work"].value.x',
      'Attribute "value.x" inside [...] must be a bare sub-attribute name at position 24 in path',
    ],
    ['emails[type eq "work"] pr', 'Unexpected token "pr" at position 24 in path; expected end of input'],
    [
      'name.givenName[value eq "x"]',
      'A value filter cannot follow the sub-attribute "givenName" at position 15 in path',
    ],
    ['emails[type eq "wo', "Unterminated string starting at position 16 in path"],
  ])("rejects %j", (text, detail) => {
    expect(rejection(() => parsePatchPath(text))).toMatchObject({
      status: 400,
      scimType: "invalidPath",
      detail,
    });
  });

  it("limits length and depth like filters", () => {
    expect(rejection(() => parsePatchPath("a".repeat(4097)))).toMatchObject({ scimType: "invalidPath" });
    expect(rejection(() => parsePatchPath(`emails[${"(".repeat(1000)}`))).toMatchObject({
      scimType: "invalidPath",
      detail: expect.stringMatching(/^Nesting deeper than 32 .* at position 39 in path$/),
    });
  });
});
