import { canonicaliseResource } from "../../../src/scim/resource/canonicalise";
import { userResourceType } from "../../../src/scim/schema/resourceType";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("canonicaliseResource", () => {
  it("keeps Entra's create body as sent, minus what the server owns", () => {
    const doc = canonicaliseResource(userResourceType, {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
      id: "client-id",
      externalId: "0a21f0f2",
      userName: "Test_User@testuser.com",
      active: true,
      emails: [{ primary: true, type: "work", value: "Test_User@testuser.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "g f", familyName: "f", givenName: "g" },
      phoneNumbers: [{ type: "mobile", value: "55555555555" }],
      roles: [],
      [ENTERPRISE]: { department: "D", employeeNumber: "1" },
    });
    expect(doc).toEqual({
      externalId: "0a21f0f2",
      userName: "Test_User@testuser.com",
      active: true,
      emails: [{ primary: true, type: "work", value: "Test_User@testuser.com" }],
      name: { formatted: "g f", familyName: "f", givenName: "g" },
      phoneNumbers: [{ type: "mobile", value: "55555555555" }],
      [ENTERPRISE]: { department: "D", employeeNumber: "1" },
    });
  });

  it("makes names canonical, coerces string booleans, and drops unknown, read-only and null values", () => {
    const doc = canonicaliseResource(userResourceType, {
      USERNAME: "u",
      Active: "False",
      emails: [{ Value: "e@x.com", PRIMARY: "true" }],
      groups: [{ value: "g1" }],
      password: "secret",
      favouriteColour: "blue",
      title: null,
      [`${ENTERPRISE}:department`]: "Sales",
      [ENTERPRISE.toUpperCase()]: { Manager: "m1" },
      ["__proto__"]: { polluted: true },
    });
    expect(doc).toEqual({
      userName: "u",
      active: false,
      emails: [{ value: "e@x.com", primary: true }],
      [ENTERPRISE]: { department: "Sales", manager: { value: "m1" } },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses values of the wrong type with invalidValue", () => {
    for (const body of [
      { userName: 5 },
      { userName: "u", active: "yes" },
      { userName: "u", emails: [{ value: 1 }] },
    ]) {
      expect(() => canonicaliseResource(userResourceType, body)).toThrow(
        expect.objectContaining({ status: 400, scimType: "invalidValue" }),
      );
    }
  });

  it("refuses more than 100 values in one attribute", () => {
    const phoneNumbers = Array.from({ length: 101 }, (_, index) => ({ value: String(index) }));
    expect(() => canonicaliseResource(userResourceType, { userName: "u", phoneNumbers })).toThrow(
      expect.objectContaining({ scimType: "invalidValue" }),
    );
  });
});
