import { booleanOf } from "../../../src/scim/resource/boolean";
import { userResourceType as USER } from "../../../src/scim/schema/resourceType";
import { canonicaliseResource } from "../../../src/scim/resource/canonicalise";

describe("booleanOf: the one reading of a SCIM boolean", () => {
  it("takes JSON booleans and Entra's True/False strings in any letter case", () => {
    expect([true, false, "True", "False", "true", "FALSE"].map(booleanOf)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it("takes nothing else: no padding, numbers, yes/no or null", () => {
    expect([" true", "false ", "1", 1, 0, "yes", "", null, undefined, {}].map(booleanOf)).toEqual(
      Array.from({ length: 10 }, () => undefined),
    );
  });

  it("is what a create applies: a padded string is refused with invalidValue", () => {
    expect(canonicaliseResource(USER, { userName: "a@x.com", active: "False" }).active).toBe(false);
    expect(() => canonicaliseResource(USER, { userName: "a@x.com", active: " False" })).toThrow(
      expect.objectContaining({ status: 400, scimType: "invalidValue" }),
    );
  });
});
