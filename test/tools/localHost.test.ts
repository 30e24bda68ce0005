import { compileRoute, compileRouteTable, startLocalHost } from "../../tools/localHost";
import { createRoutes } from "../../src/http/routes";
import { routeTable as routes } from "../support/routeTable";
import { createTestServices } from "../support/testServices";

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

describe("the local host refuses what the Functions host refuses", () => {
  const adminRoute = {
    name: "adminAudit",
    route: "admin/tenants/{tenantId}/audit",
    methods: ["GET" as const],
  };

  it("refuses to compile a table with a reserved route, naming it", () => {
    expect(() => compileRouteTable([...routes, { ...adminRoute, handler: noop }])).toThrow(
      /adminAudit \(admin\/tenants\/\{tenantId\}\/audit\): starts with 'admin'/,
    );
  });

  it("refuses to start with such a table, and starts with the real one", async () => {
    await expect(startLocalHost(0, [...routes, { ...adminRoute, handler: noop }])).rejects.toThrow(
      /Functions host would refuse/,
    );
    const host = await startLocalHost(0, createRoutes(await createTestServices()));
    try {
      // The old operator path is gone, as it always was in Azure; the new one exists (404 only while off).
      const old = await fetch(`${host.origin}/admin/tenants/demo/audit`);
      expect(old.status).toBe(404);
      expect(await old.text()).toBe("");
      const moved = await fetch(`${host.origin}/ops/tenants/demo/audit`);
      expect(moved.headers.get("content-type")).toContain("json");
    } finally {
      await host.close();
    }
  });
});
