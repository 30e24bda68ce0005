import { project } from "../../src/scim/projection";
import { groupResourceType, userResourceType } from "../../src/scim/schema/resourceType";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
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
    expect(project(userResourceType, user, { attributes: "userName, name.givenName, EMAILS.value" })).toEqual(
      {
        schemas: user.schemas,
        id: "1",
        userName: "u",
        name: { givenName: "G" },
        emails: [{ value: "w@x.com" }],
      },
    );
    expect(project(userResourceType, user, { attributes: `${ENTERPRISE}:department` })).toEqual({
      schemas: user.schemas,
      id: "1",
      [ENTERPRISE]: { department: "D" },
    });
  });

  it("removes excluded attributes but never id", () => {
    const projected = project(userResourceType, user, {
      excludedAttributes: "emails,id,name.familyName,manager",
    });
    expect(projected.emails).toBeUndefined();
    expect(projected.id).toBe("1");
    expect(projected.name).toEqual({ givenName: "G" });
    expect(projected[ENTERPRISE]).toEqual({ department: "D" });
  });

  it("honours excludedAttributes=members on groups, and ignores unknown names", () => {
    const group = { schemas: [], id: "g", displayName: "G", members: [{ value: "1" }] };
    expect(project(groupResourceType, group, { excludedAttributes: "members,bogus" })).toEqual({
      schemas: [],
      id: "g",
      displayName: "G",
    });
  });
});
