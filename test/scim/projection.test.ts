import {
  MAX_ATTRIBUTE_NAMES,
  project,
  requests,
  returnsDefault,
  selectAttributes,
} from "../../src/scim/projection";
import type { ResourceType } from "../../src/scim/schema/resourceType";
import { groupResourceType, userResourceType } from "../../src/scim/schema/resourceType";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/** Parses the lists, then projects, as one request does. */
function projected(type: ResourceType, resource: Record<string, unknown>, lists: object) {
  return project(resource, selectAttributes(type, lists));
}

const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
  id: "1",
  userName: "u",
  name: { givenName: "G", familyName: "F" },
  emails: [{ type: "work", value: "w@x.com" }],
  [ENTERPRISE]: { department: "D", manager: { value: "m" } },
  meta: { resourceType: "User" },
};

describe("attributes and excludedAttributes", () => {
  it("returns only the requested attributes, plus schemas and id", () => {
    expect(
      projected(userResourceType, user, { attributes: "userName, name.givenName, EMAILS.value" }),
    ).toEqual({
      schemas: user.schemas,
      id: "1",
      userName: "u",
      name: { givenName: "G" },
      emails: [{ value: "w@x.com" }],
    });
    expect(projected(userResourceType, user, { attributes: `${ENTERPRISE}:department` })).toEqual({
      schemas: user.schemas,
      id: "1",
      [ENTERPRISE]: { department: "D" },
    });
  });

  it("removes excluded attributes but never id", () => {
    const result = projected(userResourceType, user, {
      excludedAttributes: "emails,id,name.familyName,manager",
    });
    expect(result.emails).toBeUndefined();
    expect(result.id).toBe("1");
    expect(result.name).toEqual({ givenName: "G" });
    expect(result[ENTERPRISE]).toEqual({ department: "D" });
  });

  it("honours excludedAttributes=members on groups, and ignores unknown names", () => {
    const group = { schemas: [], id: "g", displayName: "G", members: [{ value: "1" }] };
    expect(projected(groupResourceType, group, { excludedAttributes: "members,bogus" })).toEqual({
      schemas: [],
      id: "g",
      displayName: "G",
    });
  });

  it("excludes a sub-attribute without changing the resource it was given", () => {
    const resource = structuredClone(user);
    const result = projected(userResourceType, resource, { excludedAttributes: "emails.type,manager" });
    expect(result.emails).toEqual([{ value: "w@x.com" }]);
    expect(result[ENTERPRISE]).toEqual({ department: "D" });
    expect(resource).toEqual(user);
  });

  it("excludes attributes of a deeply nested resource without recursing into it", () => {
    let deep: unknown = "bottom";
    for (let level = 0; level < 20_000; level += 1) deep = { nested: deep };
    const resource = { ...user, "urn:x:2.0:User": { deep } };
    const result = projected(userResourceType, resource, { excludedAttributes: "emails" });
    expect(result.emails).toBeUndefined();
    expect(result["urn:x:2.0:User"]).toBe(resource["urn:x:2.0:User"]);
  });

  it("refuses more names than the limit, in either list, before resolving them", () => {
    const names = Array.from({ length: MAX_ATTRIBUTE_NAMES + 1 }, (_, index) => `name${index}`).join(",");
    for (const lists of [{ attributes: names }, { excludedAttributes: names }]) {
      expect(() => selectAttributes(userResourceType, lists)).toThrow(
        expect.objectContaining({
          status: 400,
          scimType: "invalidValue",
          detail: expect.stringMatching(/at most 200/),
        }),
      );
    }
    const atLimit = Array.from({ length: MAX_ATTRIBUTE_NAMES }, () => "userName").join(", ,");
    expect(selectAttributes(userResourceType, { attributes: atLimit }).mode).toBe("include");
  });

  it("answers whether a streamed or on-request attribute is returned, from the one parsed list", () => {
    const all = selectAttributes(groupResourceType, {});
    expect(returnsDefault(all, "members")).toBe(true);
    expect(
      returnsDefault(selectAttributes(groupResourceType, { excludedAttributes: "MEMBERS" }), "members"),
    ).toBe(false);
    expect(
      returnsDefault(selectAttributes(groupResourceType, { attributes: "displayName" }), "members"),
    ).toBe(false);
    expect(
      returnsDefault(selectAttributes(groupResourceType, { attributes: "members.value" }), "members"),
    ).toBe(true);
    expect(requests(selectAttributes(userResourceType, { attributes: "groups" }), "groups")).toBe(true);
    expect(requests(selectAttributes(userResourceType, { excludedAttributes: "emails" }), "groups")).toBe(
      false,
    );
  });
});
