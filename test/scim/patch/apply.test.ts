import { applyPatch } from "../../../src/scim/patch/apply";
import { MAX_PATCH_OPERATIONS, parsePatchRequest } from "../../../src/scim/patch/request";
import type { ResourceDoc } from "../../../src/scim/resource/types";
import { groupResourceType, userResourceType } from "../../../src/scim/schema/resourceType";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** Operations as a client sends them, through the same parsing as a request. */
type RawOperation = Record<string, unknown>;

function patchUser(doc: ResourceDoc, ...operations: RawOperation[]): ResourceDoc {
  return applyPatch(userResourceType, doc, parsePatchRequest({ Operations: operations }));
}

const alice: ResourceDoc = {
  userName: "alice@x.com",
  active: true,
  name: { givenName: "Alice", familyName: "Wong" },
  emails: [
    { type: "work", value: "a@x.com", primary: true },
    { type: "home", value: "h@y.com" },
  ],
  [ENTERPRISE]: { department: "Sales", manager: { value: "m1", $ref: "https://x/Users/m1" } },
};

describe("PATCH message parsing", () => {
  it("accepts capitalised and upper-case ops and a lower-case Operations key", () => {
    expect(parsePatchRequest({ operations: [{ OP: "REPLACE", Path: "title", Value: "x" }] })).toEqual([
      { op: "replace", path: "title", value: "x" },
    ]);
  });

  it("keeps op, path and value only, with value present even when absent, and names the failing operation", () => {
    expect(
      parsePatchRequest({
        Operations: [
          { op: "Remove", path: "title", extra: 1 },
          { op: "add", value: { a: 1 } },
        ],
      }),
    ).toEqual([
      { op: "remove", path: "title", value: undefined },
      { op: "add", value: { a: 1 } },
    ]);
    expect(() => parsePatchRequest({ Operations: [{ op: "add" }, { op: "copy" }] })).toThrow(
      "Operation 2 needs 'op' of add, replace or remove and an optional string 'path'.",
    );
    expect(() => parsePatchRequest({ Operations: [] })).toThrow(
      `A PatchOp needs an 'Operations' array of 1 to ${MAX_PATCH_OPERATIONS} operations.`,
    );
  });

  it("refuses what is not a PatchOp", () => {
    for (const body of [
      null,
      [],
      {},
      { Operations: [] },
      { Operations: [{ op: "move" }] },
      { Operations: ["x"] },
      { Operations: [{ op: 3 }] },
      { Operations: [{ op: "add", path: 5 }] },
      { Operations: [{ op: "add", path: null }] },
      { Operations: "add" },
      {
        Operations: Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: "remove", path: "title" })),
      },
    ]) {
      expect(() => parsePatchRequest(body)).toThrow(
        expect.objectContaining({ status: 400, scimType: "invalidSyntax" }),
      );
    }
  });
});

describe("PATCH engine, Entra default dialect", () => {
  it("replaces a value-path sub-attribute in place", () => {
    const result = patchUser(alice, {
      op: "replace",
      path: 'emails[type eq "work"].value',
      value: "new@x.com",
    });
    expect(result.emails).toEqual([
      { type: "work", value: "new@x.com", primary: true },
      { type: "home", value: "h@y.com" },
    ]);
  });

  it("creates the element a value path names when it is absent (and the attribute too)", () => {
    const result = patchUser(
      { userName: "u" },
      { op: "replace", path: 'emails[type eq "work"].value', value: "w@x.com" },
      { op: "add", path: 'addresses[type eq "work"].streetAddress', value: "1 Main" },
      { op: "add", path: 'addresses[type eq "work"].locality', value: "Redmond" },
    );
    expect(result.emails).toEqual([{ type: "work", value: "w@x.com" }]);
    expect(result.addresses).toEqual([{ type: "work", streetAddress: "1 Main", locality: "Redmond" }]);
  });

  it("creates the element for a compound equality filter", () => {
    const result = patchUser(
      { userName: "u" },
      { op: "add", path: 'emails[type eq "work" and primary eq true].value', value: "w@x.com" },
    );
    expect(result.emails).toEqual([{ type: "work", primary: true, value: "w@x.com" }]);
  });

  it("removes a value-path sub-attribute of an absent element as a no-op (Entra deprovisioning)", () => {
    expect(
      patchUser({ userName: "u" }, { op: "remove", path: 'phoneNumbers[type eq "mobile"].value' }),
    ).toEqual({
      userName: "u",
    });
  });

  it("updates a complex sub-attribute and keeps its siblings", () => {
    const result = patchUser(alice, { op: "Replace", path: "name.familyName", value: "Li" });
    expect(result.name).toEqual({ givenName: "Alice", familyName: "Li" });
  });

  it("coerces 'False', 'True' and 'false' strings for active, and keeps booleans", () => {
    expect(patchUser(alice, { op: "replace", path: "active", value: "False" }).active).toBe(false);
    expect(
      patchUser({ ...alice, active: false }, { op: "replace", path: "active", value: "True" }).active,
    ).toBe(true);
    expect(patchUser(alice, { op: "replace", path: "active", value: "false" }).active).toBe(false);
    expect(patchUser(alice, { op: "replace", path: "active", value: false }).active).toBe(false);
  });

  it("sets an enterprise attribute by URN path", () => {
    const result = patchUser(alice, { op: "add", path: `${ENTERPRISE}:employeeNumber`, value: "701984" });
    expect(result[ENTERPRISE]).toMatchObject({ department: "Sales", employeeNumber: "701984" });
  });

  it("accepts attribute names in any case, and a core-URN-qualified path", () => {
    const result = patchUser(
      alice,
      { op: "replace", path: "UserName", value: "A2@x.com" },
      { op: "replace", path: "Name.GivenName", value: "Al" },
      { op: "replace", path: "urn:ietf:params:scim:schemas:core:2.0:User:displayName", value: "Al W" },
      { op: "replace", path: 'emails[type eq "work"].Value', value: "c@x.com" },
    );
    expect(result).toMatchObject({ userName: "A2@x.com", name: { givenName: "Al" }, displayName: "Al W" });
    expect(result.UserName).toBeUndefined();
    expect(result["Name.GivenName"]).toBeUndefined();
  });
});

describe("PATCH engine, aadOptscim062020 dialect", () => {
  it("expands a path-less replace with dotted and URN keys into the attributes they name", () => {
    const result = patchUser(alice, {
      op: "replace",
      value: {
        displayName: "Bjfe",
        "name.givenName": "Kkom",
        "name.familyName": "Unua",
        [`${ENTERPRISE}:employeeNumber`]: "Aklq",
      },
    });
    expect(result).toMatchObject({ displayName: "Bjfe", name: { givenName: "Kkom", familyName: "Unua" } });
    expect(result[ENTERPRISE]).toMatchObject({ department: "Sales", employeeNumber: "Aklq" });
    expect(Object.keys(result)).not.toContain("name.givenName");
  });

  it("expands a path-less value that also carries a manager id as a URN key", () => {
    const result = patchUser(alice, {
      op: "replace",
      value: { [`${ENTERPRISE}:department`]: "Ops", [`${ENTERPRISE}:manager`]: "m9" },
    });
    expect(result[ENTERPRISE]).toEqual({ department: "Ops", manager: { value: "m9" } });
  });

  it("merges a path-less URN object instead of writing it under a split key", () => {
    const result = patchUser(alice, { op: "replace", value: { [ENTERPRISE]: { costCenter: "42" } } });
    expect(result[ENTERPRISE]).toEqual({
      department: "Sales",
      costCenter: "42",
      manager: alice[ENTERPRISE] && { value: "m1", $ref: "https://x/Users/m1" },
    });
    expect(Object.keys(result)).not.toContain("urn:ietf:params:scim:schemas:extension:enterprise:2.0");
  });

  it("replacing name with an object keeps the sub-attributes it does not mention (RFC 7644 §3.5.2.3)", () => {
    expect(patchUser(alice, { op: "replace", value: { name: { givenName: "Al" } } }).name).toEqual({
      givenName: "Al",
      familyName: "Wong",
    });
  });

  it("ignores server-owned keys (schemas, id, meta) in a path-less value", () => {
    const result = patchUser(alice, {
      op: "replace",
      value: { id: "evil", meta: {}, schemas: [], title: "Boss" },
    });
    expect(result.title).toBe("Boss");
    expect(result.id).toBeUndefined();
  });

  it("clears attributes sent as null or an empty string (SCIM_Null_Update_Test)", () => {
    const withTitle = { ...alice, title: "Boss", nickName: "Al" };
    const result = patchUser(
      withTitle,
      { op: "replace", value: { title: null, nickName: "" } },
      { op: "replace", path: `${ENTERPRISE}:manager`, value: "" },
    );
    expect(result.title).toBeUndefined();
    expect(result.nickName).toBeUndefined();
    expect(result[ENTERPRISE]).toEqual({ department: "Sales" });
  });
});

describe("PATCH engine, manager", () => {
  const path = `${ENTERPRISE}:manager`;

  it.each([
    ["a bare id", "m2"],
    ["an array with $ref", [{ $ref: "https://x/Users/m2", value: "m2" }]],
    ["an object", { value: "m2" }],
  ])("stores %s as {value} and drops the old $ref", (_shape, value) => {
    const result = patchUser(alice, { op: "Add", path, value });
    expect((result[ENTERPRISE] as ResourceDoc).manager).toMatchObject({ value: "m2" });
    if (!Array.isArray(value)) expect((result[ENTERPRISE] as ResourceDoc).manager).toEqual({ value: "m2" });
  });

  it("removes the manager", () => {
    expect(patchUser(alice, { op: "remove", path })[ENTERPRISE]).toEqual({ department: "Sales" });
  });
});

describe("PATCH engine, multi-valued rules", () => {
  it("keeps one primary when an added element is primary", () => {
    const result = patchUser(alice, {
      op: "add",
      path: "emails",
      value: [{ type: "other", value: "o@x.com", primary: "true" }],
    });
    expect((result.emails as ResourceDoc[]).filter((email) => email.primary === true)).toEqual([
      { type: "other", value: "o@x.com", primary: true },
    ]);
  });

  it("does not duplicate an element that is added again", () => {
    const result = patchUser(alice, {
      op: "add",
      path: "emails",
      value: [{ type: "home", value: "h@y.com" }],
    });
    expect(result.emails).toHaveLength(2);
  });

  it("removes elements by filter, and the attribute when none remain", () => {
    const once = patchUser(alice, { op: "remove", path: 'emails[type eq "home"]' });
    expect(once.emails).toEqual([{ type: "work", value: "a@x.com", primary: true }]);
    expect(patchUser(once, { op: "remove", path: 'emails[type eq "work"]' }).emails).toBeUndefined();
  });

  it("throws noTarget when a replace filter matches nothing and implies no element", () => {
    expect(() =>
      patchUser(alice, { op: "replace", path: 'emails[value co "zzz"].type', value: "x" }),
    ).toThrow(expect.objectContaining({ scimType: "noTarget" }));
  });
});

describe("PATCH engine, group members", () => {
  const group: ResourceDoc = {
    displayName: "G",
    members: [
      { value: "a", display: "A", $ref: "https://x/Users/a" },
      { value: "b", display: "B" },
      { value: "c" },
    ],
  };
  const patchGroup = (...operations: RawOperation[]) =>
    applyPatch(groupResourceType, group, parsePatchRequest({ Operations: operations }));

  it("Remove path=members with a value list removes only those members (default dialect)", () => {
    expect(
      patchGroup({ op: "Remove", path: "members", value: [{ $ref: null, value: "a" }, { value: "c" }] })
        .members,
    ).toEqual([{ value: "b", display: "B" }]);
  });

  it("remove members[value eq id] removes that member (aadOptscim062020)", () => {
    expect(patchGroup({ op: "remove", path: 'members[value eq "b"]' }).members).toHaveLength(2);
  });

  it("Add members adds each new member once", () => {
    const result = patchGroup({
      op: "Add",
      path: "members",
      value: [{ $ref: null, value: "b" }, { value: "d" }],
    });
    expect((result.members as ResourceDoc[]).map((member) => member.value)).toEqual(["a", "b", "c", "d"]);
  });

  it("removing an absent member is a no-op; remove without a value empties the attribute", () => {
    expect(patchGroup({ op: "Remove", path: "members", value: [{ value: "zzz" }] }).members).toEqual(
      group.members,
    );
    expect(patchGroup({ op: "remove", path: "members" }).members).toBeUndefined();
  });

  it("treats Add on a single-valued attribute like Replace", () => {
    expect(patchGroup({ op: "Add", path: "externalId", value: "e1" }).externalId).toBe("e1");
  });
});
