import { compileRoute } from "../../tools/localHost";
import { routes } from "../../src/http/routes";

const noop = () => Promise.resolve({});
const users = compileRoute({
  name: "u",
  route: "scim/v2/{tenantId}/Users/{id?}",
  methods: ["GET"],
  handler: noop,
});
const rest = compileRoute({
  name: "r",
  route: "scim/v2/{tenantId}/{*rest}",
  methods: ["GET"],
  handler: noop,
});

describe("Functions route templates on the local host", () => {
  it("matches literal segments in any case, with and without the optional id", () => {
    expect(users.match(["scim", "v2", "t1", "Users"])).toEqual({ tenantId: "t1" });
    expect(users.match(["SCIM", "v2", "t1", "users", "42"])).toEqual({ tenantId: "t1", id: "42" });
    expect(users.match(["scim", "v2", "t1", "Groups"])).toBeUndefined();
    expect(users.match(["scim", "v2", "t1", "Users", "42", "extra"])).toBeUndefined();
  });

  it("gives a catch-all parameter the rest of the path", () => {
    expect(rest.match(["scim", "v2", "t1", "a", "b"])).toEqual({ tenantId: "t1", rest: "a/b" });
  });

  it("registers every SCIM endpoint under scim/v2/{tenantId}, the catch-all last", () => {
    expect(routes.map((route) => route.route)).toEqual(
      expect.arrayContaining([
        "scim/v2/{tenantId}/Users/{id?}",
        "scim/v2/{tenantId}/Groups/{id?}",
        "scim/v2/{tenantId}/ServiceProviderConfig",
        "scim/v2/{tenantId}/ResourceTypes/{id?}",
        "scim/v2/{tenantId}/Schemas/{id?}",
      ]),
    );
    expect(routes.at(-1)?.route).toBe("scim/v2/{tenantId}/{*rest}");
    expect(new Set(routes.map((route) => route.name)).size).toBe(routes.length);
  });
});
