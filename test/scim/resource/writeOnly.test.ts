import { userResourceType } from "../../../src/scim/schema/resourceType";
import { extensionSchemas } from "../../../src/scim/schema/tenantSchema";
import {
  maskWriteOnly,
  withoutWriteOnly,
  WRITE_ONLY_MASK,
  writeOnlyNames,
} from "../../../src/scim/resource/writeOnly";

const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
/** A tenant that declared `pin` write-only and `badge` as usual (both strings). */
const declared = ["pin", "badge"].map((name) => ({
  schema: CONTOSO,
  resourceType: "User" as const,
  name,
  type: "string" as const,
  multiValued: false,
  caseExact: false,
  ...(name === "pin" ? { mutability: "writeOnly" as const } : {}),
}));
const type = userResourceType.withExtensions(
  extensionSchemas({ undeclaredExtensions: "store", attributes: declared }, "User"),
  "store",
);

describe("write-only attributes in stored documents", () => {
  const legacy = { userName: "u", password: "p1", [CONTOSO]: { PIN: "1234", badge: "b" } };

  it("drops them from a document, in any case, keeping everything else and the original", () => {
    expect(withoutWriteOnly(type, legacy)).toEqual({ userName: "u", [CONTOSO]: { badge: "b" } });
    expect(withoutWriteOnly(type, { userName: "u", [CONTOSO]: { pin: "1" } })).toEqual({ userName: "u" });
    expect(legacy.password).toBe("p1");
    const clean = { userName: "u" };
    expect(withoutWriteOnly(type, clean)).toBe(clean);
  });

  it("masks their values for the audit trail", () => {
    expect(maskWriteOnly(type, legacy)).toEqual({
      userName: "u",
      password: WRITE_ONLY_MASK,
      [CONTOSO]: { PIN: WRITE_ONLY_MASK, badge: "b" },
    });
  });

  it("names them for log masking", () => {
    expect([...writeOnlyNames([type])].sort()).toEqual(["password", "pin"]);
    expect([...writeOnlyNames([userResourceType])]).toEqual(["password"]);
  });
});
