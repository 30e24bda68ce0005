import { matchesFilter } from "../../../src/scim/filter/evaluate";
import { parseFilter } from "../../../src/scim/filter/parser";
import { applyPatch } from "../../../src/scim/patch/apply";
import { parsePatchRequest } from "../../../src/scim/patch/request";
import { canonicaliseResource } from "../../../src/scim/resource/canonicalise";
import { coerceAttributeValue } from "../../../src/scim/resource/coerce";
import type { ResourceDoc } from "../../../src/scim/resource/types";
import { userResourceType } from "../../../src/scim/schema/resourceType";
import { userSchema } from "../../../src/scim/schema/user";

type RawOperation = Record<string, unknown>;

function patchUser(doc: ResourceDoc, ...operations: RawOperation[]): ResourceDoc {
  return applyPatch(userResourceType, doc, parsePatchRequest({ Operations: operations }));
}

const AAD_ROLE = "WindowsAzureActiveDirectoryRole";
/** The default dialect's role, a JSON-encoded string inside `value` (docs/entra-behaviour.md#app-roles-as-json-inside-value). */
const ENCODED = '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}';
const roles = userSchema.attributes.find((attribute) => attribute.name === "roles");
if (!roles) throw new Error("the User schema has no roles");

describe("Entra app roles: coercion", () => {
  it("decodes a JSON-encoded role into value and display, keeping the element's own sub-attributes", () => {
    expect(
      coerceAttributeValue(roles, [{ value: ENCODED, primary: "True", type: AAD_ROLE }], "roles"),
    ).toEqual([{ value: "25", display: "Role1234", primary: true, type: AAD_ROLE }]);
    expect(coerceAttributeValue(roles, ENCODED, "roles")).toEqual([{ value: "25", display: "Role1234" }]);
  });

  it("keeps plain role values, and strings that only look like JSON, as sent", () => {
    expect(
      coerceAttributeValue(roles, [{ value: "Admin", primary: "true", type: AAD_ROLE }], "roles"),
    ).toEqual([{ value: "Admin", primary: true, type: AAD_ROLE }]);
    expect(coerceAttributeValue(roles, [{ value: "{not json" }], "roles")).toEqual([{ value: "{not json" }]);
  });

  it("does not decode other attributes' values", () => {
    const entitlements = userSchema.attributes.find((attribute) => attribute.name === "entitlements");
    if (!entitlements) throw new Error("no entitlements");
    expect(coerceAttributeValue(entitlements, [{ value: ENCODED }], "entitlements")).toEqual([
      { value: ENCODED },
    ]);
  });

  it("stores SingleAppRoleAssignment and AppRoleAssignmentsComplex create bodies as role objects", () => {
    expect(
      canonicaliseResource(userResourceType, {
        userName: "u",
        roles: [{ primary: true, type: AAD_ROLE, value: "Admin" }],
      }).roles,
    ).toEqual([{ primary: true, type: AAD_ROLE, value: "Admin" }]);
    expect(
      canonicaliseResource(userResourceType, {
        userName: "u",
        roles: [
          { primary: "False", type: AAD_ROLE, display: "Admin", value: "Admin" },
          { primary: false, type: AAD_ROLE, display: "User", value: ENCODED },
        ],
      }).roles,
    ).toEqual([
      { primary: false, type: AAD_ROLE, display: "Admin", value: "Admin" },
      { primary: false, type: AAD_ROLE, display: "Role1234", value: "25" },
    ]);
  });
});

describe("Entra app roles: PATCH", () => {
  const user: ResourceDoc = { userName: "u", roles: [{ value: "Admin", type: AAD_ROLE, primary: true }] };

  it("default dialect: Add path roles with a JSON-encoded value adds a decoded role", () => {
    expect(patchUser(user, { op: "Add", path: "roles", value: [{ value: ENCODED }] }).roles).toEqual([
      { value: "Admin", type: AAD_ROLE, primary: true },
      { value: "25", display: "Role1234" },
    ]);
  });

  it("adding the same encoded role twice keeps one", () => {
    const once = patchUser({ userName: "u" }, { op: "Add", path: "roles", value: [{ value: ENCODED }] });
    expect(patchUser(once, { op: "Add", path: "roles", value: [{ value: ENCODED }] }).roles).toEqual([
      { value: "25", display: "Role1234" },
    ]);
  });

  it("AppRoleAssignmentsComplex: replace path roles sets the full set, primary strings coerced", () => {
    const result = patchUser(user, {
      op: "replace",
      path: "roles",
      value: [
        { primary: "False", type: AAD_ROLE, display: "Reader", value: "Reader" },
        { primary: false, type: AAD_ROLE, display: "Writer", value: "Writer" },
      ],
    });
    expect(result.roles).toEqual([
      { primary: false, type: AAD_ROLE, display: "Reader", value: "Reader" },
      { primary: false, type: AAD_ROLE, display: "Writer", value: "Writer" },
    ]);
  });

  it("path-less replace (aadOptscim062020) carrying roles decodes them too", () => {
    const result = patchUser(user, {
      op: "replace",
      value: { displayName: "D", roles: [{ value: ENCODED }] },
    });
    expect(result.roles).toEqual([{ value: "25", display: "Role1234" }]);
    expect(result.displayName).toBe("D");
  });

  it('roles[primary eq "True"].value (Entra\'s mapping target) sets the primary role, decoded or plain', () => {
    const plain = patchUser(user, { op: "Replace", path: 'roles[primary eq "True"].value', value: "Owner" });
    expect(plain.roles).toEqual([{ value: "Owner", type: AAD_ROLE, primary: true }]);
    const encoded = patchUser(user, {
      op: "Replace",
      path: 'roles[primary eq "True"].value',
      value: ENCODED,
    });
    expect(encoded.roles).toEqual([{ value: "25", display: "Role1234", type: AAD_ROLE, primary: true }]);
    const created = patchUser(
      { userName: "u" },
      { op: "Add", path: 'roles[primary eq "True"].value', value: "A" },
    );
    expect(created.roles).toEqual([{ primary: true, value: "A" }]);
  });

  it("removes a role by value, in both dialects", () => {
    const two = { userName: "u", roles: [{ value: "Admin" }, { value: "25", display: "Role1234" }] };
    expect(patchUser(two, { op: "Remove", path: "roles", value: [{ value: ENCODED }] }).roles).toEqual([
      { value: "Admin" },
    ]);
    expect(patchUser(two, { op: "remove", path: 'roles[value eq "Admin"]' }).roles).toEqual([
      { value: "25", display: "Role1234" },
    ]);
  });

  it("roles are filterable by value", () => {
    const resource = { userName: "u", roles: [{ value: "Admin", primary: true }] };
    expect(matchesFilter(parseFilter('roles[value eq "Admin"]'), resource, userResourceType)).toBe(true);
    expect(matchesFilter(parseFilter('roles[value eq "User"]'), resource, userResourceType)).toBe(false);
    expect(matchesFilter(parseFilter('roles.value eq "admin"'), resource, userResourceType)).toBe(true);
  });
});
