import { renderResource } from "../../src/scim/render";
import { userResourceType } from "../../src/scim/schema/resourceType";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "../../src/scim/schema/urns";

const stored = (doc: Record<string, unknown>) => ({
  id: "u-1",
  doc,
  created: "2026-01-01T00:00:00.000Z",
  lastModified: "2026-01-02T00:00:00.000Z",
  version: 'W/"abc"',
});
const LOCATION = "https://scim.example/scim/v2/t/Users/u-1";
const META = {
  resourceType: "User",
  created: "2026-01-01T00:00:00.000Z",
  lastModified: "2026-01-02T00:00:00.000Z",
  location: LOCATION,
  version: 'W/"abc"',
};

describe("rendering a stored resource", () => {
  it("puts schemas, id and externalId first, the stored attributes in stored order, meta last", () => {
    const doc = {
      userName: "ada",
      externalId: "ext-1",
      active: true,
      [ENTERPRISE_USER_SCHEMA]: { department: "R&D" },
      title: "Engineer",
    };
    const text = JSON.stringify(renderResource(userResourceType, stored(doc), LOCATION));
    expect(text).toBe(
      JSON.stringify({
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        id: "u-1",
        externalId: "ext-1",
        userName: "ada",
        active: true,
        [ENTERPRISE_USER_SCHEMA]: { department: "R&D" },
        title: "Engineer",
        meta: META,
      }),
    );
  });

  it("lists only the core schema without extension attributes, and no externalId when none is stored", () => {
    const resource = renderResource(userResourceType, stored({ userName: "bob" }), LOCATION);
    expect(Object.keys(resource)).toEqual(["schemas", "id", "userName", "meta"]);
    expect(resource.schemas).toEqual([USER_SCHEMA]);
  });

  it("never returns a write-only attribute a row stored before they were dropped, and leaves the row alone", () => {
    const doc = { userName: "eve", password: "secret" };
    const resource = renderResource(userResourceType, stored(doc), LOCATION);
    expect(resource).not.toHaveProperty("password");
    expect(JSON.stringify(resource)).not.toContain("secret");
    expect(doc).toEqual({ userName: "eve", password: "secret" });
  });

  it("keeps a stored __proto__ key a plain property, never the rendered object's prototype", () => {
    const doc = JSON.parse('{"userName":"mallory","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const resource = renderResource(userResourceType, stored(doc), LOCATION);
    expect(Object.getPrototypeOf(resource)).toBe(Object.prototype);
    expect((resource as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(resource)).toContain('"__proto__":{"polluted":true}');
  });
});
