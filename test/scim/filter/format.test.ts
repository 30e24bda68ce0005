import fc from "fast-check";
import type { ComparisonOperator, Filter, FilterValue } from "../../../src/scim/filter/ast";
import { formatAttributePath, formatFilter } from "../../../src/scim/filter/format";
import { parseFilter } from "../../../src/scim/filter/parser";
import type { AttributePath } from "../../../src/scim/schema/types";

describe("formatAttributePath", () => {
  it("writes the URN, the attribute and the sub-attribute", () => {
    expect(formatAttributePath({ attribute: "userName" })).toBe("userName");
    expect(formatAttributePath({ attribute: "name", subAttribute: "givenName" })).toBe("name.givenName");
    expect(formatAttributePath({ schema: "urn:x:User", attribute: "manager", subAttribute: "value" })).toBe(
      "urn:x:User:manager.value",
    );
  });
});

describe("formatFilter", () => {
  it.each([
    ['userName eq "a\\"b"', 'userName eq "a\\"b"'],
    ['EMAILS[Type EQ "work"].Value eq "x"', 'EMAILS[Type eq "work" and Value eq "x"]'],
    ["a pr or b pr and c pr", "a pr or b pr and c pr"],
    ["(a pr or b pr) and c pr", "(a pr or b pr) and c pr"],
    ["a pr and (b pr and c pr)", "a pr and (b pr and c pr)"],
    ["not(a eq 1) or x eq null", "not (a eq 1) or x eq null"],
    ["active eq TRUE", "active eq true"],
  ])("%s prints as %s", (text, printed) => {
    expect(formatFilter(parseFilter(text))).toBe(printed);
  });

  it("round-trips through parseFilter for any filter the parser can produce", () => {
    const reserved = new Set("eq ne co sw ew gt ge lt le pr and or not true false null".split(" "));
    const name = fc
      .stringMatching(/^[A-Za-z$][A-Za-z0-9_$-]{0,8}$/)
      .filter((candidate) => !reserved.has(candidate.toLowerCase()));
    const schema = fc.constantFrom(
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:example:Custom:1.0",
    );
    const topLevelPath: fc.Arbitrary<AttributePath> = fc.record(
      { schema, attribute: name, subAttribute: name },
      { requiredKeys: ["attribute"] },
    );
    const elementPath: fc.Arbitrary<AttributePath> = name.map((attribute) => ({ attribute }));
    const op = fc.constantFrom<ComparisonOperator>("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le");
    const value: fc.Arbitrary<FilterValue> = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.integer(),
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .map((number) => (Object.is(number, -0) ? 0 : number)),
      fc.boolean(),
      fc.constant(null),
    );
    const filterOver = (path: fc.Arbitrary<AttributePath>, valuePaths: boolean): fc.Arbitrary<Filter> =>
      fc.letrec<{ filter: Filter }>((tie) => ({
        filter: fc.oneof(
          { depthSize: "small", maxDepth: 6 },
          fc.record({ kind: fc.constant("compare" as const), path, op, value }),
          fc.record({ kind: fc.constant("present" as const), path }),
          fc.record({ kind: fc.constant("and" as const), left: tie("filter"), right: tie("filter") }),
          fc.record({ kind: fc.constant("or" as const), left: tie("filter"), right: tie("filter") }),
          fc.record({ kind: fc.constant("not" as const), filter: tie("filter") }),
          ...(valuePaths
            ? [
                fc.record({
                  kind: fc.constant("valuePath" as const),
                  path: fc.record({ schema, attribute: name }, { requiredKeys: ["attribute"] }),
                  filter: filterOver(elementPath, false),
                }),
              ]
            : []),
        ),
      })).filter;

    fc.assert(
      fc.property(filterOver(topLevelPath, true), (filter) => {
        expect(parseFilter(formatFilter(filter))).toEqual(filter);
      }),
      { numRuns: 1000 },
    );
  });
});
