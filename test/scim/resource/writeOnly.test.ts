import { userResourceType } from "../../../src/scim/schema/resourceType";
import { extensionSchemas } from "../../../src/scim/schema/tenantSchema";
import {
  maskWriteOnly,
  withoutWriteOnly,
  WRITE_ONLY_MASK,
  writeOnlyNames,
} from "../../../src/scim/resource/writeOnly";

const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
const type = userResourceType.withExtensions(
  extensionSchemas(
    {
      undeclaredExtensions: "store",
      attributes: [
        {
          schema: CONTOSO,
          resourceType: "User",
          name: "pin",
          type: "string",
          multiValued: false,
          caseExact: false,
          mutability: "writeOnly",
        },
        {
          schema: CONTOSO,
          resourceType: "User",
          name: "badge",
          type: "string",
          multiValued: false,
          caseExact: false,
        },
      ],
    },
    "User",
  ),
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
