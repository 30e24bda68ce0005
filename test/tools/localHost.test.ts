import { createConnection } from "node:net";
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

describe("idle keep-alive connections, as the Functions host keeps them", () => {
  /** One raw connection: writes a request, resolves with the status line of the answer. */
  function connection(port: number) {
    const socket = createConnection({ host: "127.0.0.1", port });
    let received = "";
    let closedByServer = false;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("end", () => {
      closedByServer = true;
    });
    return {
      async get(path: string): Promise<string> {
        const before = received.length;
        socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
        while (!received.slice(before).includes("\r\n\r\n") && !closedByServer) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return received.slice(before).split("\r\n")[0] ?? "";
      },
      closedByServer: () => closedByServer,
      destroy: () => socket.destroy(),
    };
  }

  it("keeps a connection open past Node's 5 s default, so a client reusing it is not reset", async () => {
    const host = await startLocalHost(0, [
      { name: "ping", route: "ping", methods: ["GET"], handler: () => Promise.resolve({ status: 204 }) },
    ]);
    const client = connection(Number(new URL(host.origin).port));
    try {
      expect(await client.get("/ping")).toBe("HTTP/1.1 204 No Content");
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(client.closedByServer()).toBe(false);
      expect(await client.get("/ping")).toBe("HTTP/1.1 204 No Content");
    } finally {
      client.destroy();
      await host.close();
    }
  }, 20_000);
});
