import { parseFilter } from "../../src/scim/filter/parser";
import { groupResourceType, userResourceType } from "../../src/scim/schema/resourceType";
import { MAX_UNION_READS, planQuery } from "../../src/service/queryPlanner";

const plan = (filter: string) => planQuery(userResourceType, parseFilter(filter));

describe("query planner", () => {
  it("answers Entra's matching filters from indexes, lower-casing case-insensitive values", () => {
    expect(plan('userName eq "Alice@X.com"')).toEqual({
      kind: "index",
      index: "userName",
      value: "alice@x.com",
    });
    expect(plan('externalId eq "AbC"')).toEqual({ kind: "index", index: "externalId", value: "AbC" });
    expect(plan('emails[type eq "work"].value eq "A@x.com"')).toEqual({
      kind: "index",
      index: "email",
      value: "a@x.com",
    });
    expect(plan('id eq "42"')).toEqual({ kind: "ids", ids: ["42"] });
    expect(plan('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"')).toEqual({
      kind: "index",
      index: "manager",
      value: "m",
    });
    expect(planQuery(groupResourceType, parseFilter('displayName eq "Sales"'))).toEqual({
      kind: "index",
      index: "displayName",
      value: "sales",
    });
  });

  it("turns gt/ge/lt/le on an indexed attribute into a filtered read of the index rows", () => {
    expect(plan('userName gt "M"')).toEqual({ kind: "compare", index: "userName", op: "gt", value: "m" });
    expect(plan('externalId le "Ab"')).toEqual({
      kind: "compare",
      index: "externalId",
      op: "le",
      value: "Ab",
    });
    expect(plan('title gt "a"')).toEqual({ kind: "scan" });
  });

  it("turns sw on an indexed attribute into a range read of the index", () => {
    expect(plan('userName sw "AL"')).toEqual({ kind: "prefix", index: "userName", prefix: "al" });
    expect(plan('emails[value sw "Bo"]')).toEqual({ kind: "prefix", index: "email", prefix: "bo" });
    expect(plan('externalId sw "Ab"')).toEqual({ kind: "prefix", index: "externalId", prefix: "Ab" });
    expect(plan(`userName sw "${"x".repeat(101)}"`)).toEqual({ kind: "scan" });
    expect(plan('userName sw "a" and id eq "1"')).toEqual({ kind: "ids", ids: ["1"] });
  });

  it("uses the most selective side of and, both sides of or, and scans otherwise", () => {
    expect(plan('id eq "1" and manager eq "m"')).toEqual({ kind: "ids", ids: ["1"] });
    expect(plan('title eq "x" and userName eq "u"')).toEqual({
      kind: "index",
      index: "userName",
      value: "u",
    });
    expect(plan('userName eq "a" or externalId eq "b"')).toEqual({
      kind: "union",
      plans: [
        { kind: "index", index: "userName", value: "a" },
        { kind: "index", index: "externalId", value: "b" },
      ],
    });
    for (const filter of [
      'userName ew "a"',
      'userName eq "a" or title eq "t"',
      'not (userName eq "a")',
      "title pr",
    ]) {
      expect(plan(filter)).toEqual({ kind: "scan" });
    }
  });

  it("flattens a chain of or into one union, and scans past MAX_UNION_READS reads", () => {
    const terms = (count: number) =>
      Array.from({ length: count }, (_, index) => `emails gt "${index}"`).join(" or ");
    const union = plan(terms(MAX_UNION_READS));
    expect(union.kind).toBe("union");
    expect(union.kind === "union" && union.plans).toHaveLength(MAX_UNION_READS);
    expect(plan(terms(MAX_UNION_READS + 1))).toEqual({ kind: "scan" });
    expect(plan(`(${terms(MAX_UNION_READS)}) or userName eq "x"`)).toEqual({ kind: "scan" });
  });
});
