import { resourceBase } from "../../../packages/entra-replay/src/client";
import { activeValue, userDiff } from "../../../packages/entra-replay/src/dialect";
import { entraQuery, eqFilter, filterQuery } from "../../../packages/entra-replay/src/encoding";
import { generateUser } from "../../../packages/entra-replay/src/population";
import { dialectNotes } from "../../../packages/entra-replay/src/replay";

describe("query encoding as Entra puts it on the wire", () => {
  it("encodes spaces as + and quotes as %22", () => {
    expect(filterQuery("userName", "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a")).toBe(
      "filter=userName+eq+%22cf4d78e8-cc4f-4d5d-b8b9-183561c0104a%22",
    );
    expect(filterQuery("userName", "alice@contoso.com")).toBe("filter=userName+eq+%22alice%40contoso.com%22");
    expect(filterQuery("externalId", "johnwong")).toBe("filter=externalId+eq+%22johnwong%22");
  });

  it("keeps the group probe's parameter order", () => {
    expect(
      entraQuery([
        ["excludedAttributes", "members"],
        ["filter", eqFilter("displayName", "Sales")],
      ]),
    ).toBe("excludedAttributes=members&filter=displayName+eq+%22Sales%22");
  });

  it("round-trips through URLSearchParams, as a server decodes it", () => {
    const value = 'Zoë "Z" O\'Neil+1 & co';
    const decoded = new URLSearchParams(filterQuery("displayName", value)).get("filter");
    expect(decoded).toBe('displayName eq "Zoë \\"Z\\" O\'Neil+1 & co"');
  });

  it("appends to the Tenant URL as pasted and drops Entra's flag query", () => {
    expect(resourceBase("https://h/scim/v2/t")).toBe("https://h/scim/v2/t");
    expect(resourceBase("https://h/scim/v2/t/")).toBe("https://h/scim/v2/t/");
    expect(resourceBase("https://h/scim/v2/t?aadOptscim062020")).toBe("https://h/scim/v2/t");
  });
});

describe("PATCH dialects", () => {
  const before = generateUser("r", 0);
  const after = {
    ...before,
    active: false,
    givenName: "New",
    workEmail: "new@contoso.example",
    department: "D",
  };

  it("default: capitalised ops with paths and string booleans", () => {
    expect(userDiff("default", before, after)).toEqual([
      { op: "Replace", path: "active", value: "False" },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "new@contoso.example" },
      { op: "Replace", path: "name.givenName", value: "New" },
      {
        op: "Replace",
        path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        value: "D",
      },
    ]);
    expect(userDiff("default", before, { ...before, nickName: "Babs" })).toEqual([
      { op: "Add", path: "nickName", value: "Babs" },
    ]);
  });

  it("aadOptscim062020: one path-less replace with dotted and URN keys, value paths apart, real booleans", () => {
    expect(userDiff("aadOptscim062020", before, after)).toEqual([
      {
        op: "replace",
        value: {
          active: false,
          "name.givenName": "New",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "D",
        },
      },
      { op: "replace", path: 'emails[type eq "work"].value', value: "new@contoso.example" },
    ]);
    expect(activeValue("aadOptscim062020", true)).toBe(true);
    expect(activeValue("default", true)).toBe("True");
  });
});

describe("the dialect flag in the Tenant URL", () => {
  it("is said out loud when the replay tests both dialects anyway", () => {
    expect(dialectNotes("https://h/scim/v2/t?aadOptscim062020", "both")[0]).toContain(
      "Entra would send only the aadOptscim062020 dialect",
    );
    expect(dialectNotes("https://h/scim/v2/t?AADOPTSCIM062020=1", "both")).toHaveLength(1);
    expect(dialectNotes("https://h/scim/v2/t?aadOptscim062020", "aadOptscim062020")).toEqual([]);
    expect(dialectNotes("https://h/scim/v2/t", "both")).toEqual([]);
  });
});
