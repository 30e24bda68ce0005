import { parseFilter } from "../../../src/scim/filter/parser";
import { applyPatch } from "../../../src/scim/patch/apply";
import { conditionsIn, MAX_VALUE_FILTER_EVALUATIONS } from "../../../src/scim/patch/budget";
import { MAX_FILTERED_MEMBER_REMOVALS, splitMemberOperations } from "../../../src/scim/patch/members";
import { groupResourceType, userResourceType } from "../../../src/scim/schema/resourceType";

const phones = Array.from({ length: 100 }, (_, index) => ({ value: `+1 555 ${index}`, type: "work" }));
const orOf = (term: string, times: number) => Array.from({ length: times }, () => term).join(" or ");

describe("the value-filter budget of a PATCH", () => {
  it("counts conditions, inside value paths too", () => {
    expect(conditionsIn(parseFilter('a eq "1" and (b pr or not (c eq 2))'))).toBe(3);
    expect(conditionsIn(parseFilter('emails[type eq "work" and value co "x"]'))).toBe(2);
  });

  it("refuses operations × conditions × elements past the budget, before doing that work", () => {
    const remove = { op: "remove" as const, path: `phoneNumbers[${orOf('value co "7"', 100)}]` };
    // 100 conditions × 100 elements each: the budget holds exactly one such operation.
    expect(MAX_VALUE_FILTER_EVALUATIONS).toBe(100 * 100);
    expect(() =>
      applyPatch(userResourceType, { userName: "u", phoneNumbers: phones }, [remove]),
    ).not.toThrow();
    expect(() =>
      applyPatch(
        userResourceType,
        { userName: "u", phoneNumbers: phones },
        Array.from({ length: 57 }, () => remove),
      ),
    ).toThrow(expect.objectContaining({ status: 400, detail: expect.stringMatching(/value-filter limit/) }));
  });

  it("leaves Entra's value paths far inside the budget", () => {
    const doc = { userName: "u", phoneNumbers: phones.slice(0, 20) };
    const operations = Array.from({ length: 100 }, (_, index) => ({
      op: "replace" as const,
      path: `phoneNumbers[type eq "work"].display`,
      value: `d${index}`,
    }));
    expect(() => applyPatch(userResourceType, doc, operations)).not.toThrow();
  });

  it("allows one filtered member removal per PATCH; removals by id are not limited", () => {
    const byDisplay = { op: "remove" as const, path: 'members[display eq "x"]' };
    const byId = { op: "remove" as const, path: 'members[value eq "1"]' };
    expect(MAX_FILTERED_MEMBER_REMOVALS).toBe(1);
    expect(splitMemberOperations(groupResourceType, [byDisplay, byId, byId]).members).toHaveLength(3);
    expect(() => splitMemberOperations(groupResourceType, [byDisplay, byDisplay])).toThrow(
      expect.objectContaining({
        status: 400,
        detail: expect.stringMatching(/filtered-member-removal limit/),
      }),
    );
  });
});
