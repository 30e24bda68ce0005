import { hostRouteProblems, RESERVED_ROUTE_PREFIXES, type HostRoute } from "../../src/http/hostRouteRules";
import { routeTable as routes } from "../support/routeTable";

const get = (name: string, route: string, methods: string[] = ["GET"]): HostRoute => ({
  name,
  route,
  methods,
});

describe("the route table against the Functions host's route validation", () => {
  it("has no route the host would refuse (reserved prefixes, names, duplicates, templates)", () => {
    // Every route, including ones added later (events, read API, portal), is checked here.
    expect(hostRouteProblems(routes)).toEqual([]);
  });

  it.each(routes.map((route) => [route.name, route.route] as const))(
    "%s (%s) does not start with a reserved prefix",
    (_name, route) => {
      const normalized = route.replace(/^\/+/, "").toLowerCase();
      for (const prefix of RESERVED_ROUTE_PREFIXES) expect(normalized.startsWith(prefix)).toBe(false);
    },
  );

  it("serves the operator endpoints under ops/, not admin/", () => {
    const byName = Object.fromEntries(routes.map((route) => [route.name, route.route]));
    expect(byName).toMatchObject({
      opsAudit: "ops/tenants/{tenantId}/audit",
      opsSummary: "ops/tenants/{tenantId}/summary",
    });
  });
});

describe("hostRouteProblems", () => {
  it.each([
    "admin/tenants/{tenantId}/audit",
    "/Admin/x",
    "administration/report",
    "runtime/webhooks/x",
    "RUNTIMEs",
    "admin",
  ])("refuses %s: the host reserves admin* and runtime*", (route) => {
    const problems = hostRouteProblems([...routes, get("added", route)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^added .*starts with '(admin|runtime)', which the Functions host reserves/);
  });

  it("uses the function name as the route when none is given, as the host does", () => {
    expect(hostRouteProblems([get("adminThing", "")])).toEqual([
      "adminThing (adminThing): starts with 'admin', which the Functions host reserves for its own endpoints",
    ]);
    expect(hostRouteProblems([get("reports", " ")])).toEqual([]);
  });

  it("accepts routes that only contain the words elsewhere", () => {
    expect(hostRouteProblems([get("a", "ops/admin/x"), get("b", "scim/v2/{tenantId}/runtime")])).toEqual([]);
  });

  it("refuses invalid and duplicate function names", () => {
    expect(hostRouteProblems([get("1abc", "a"), get("host", "b"), get("has space", "c")])).toHaveLength(3);
    expect(hostRouteProblems([get("same", "a"), get("SAME", "b")])).toEqual([
      "SAME (b): repeats the function name 'same'",
    ]);
  });

  it("refuses two functions on one route with a method in common, not with disjoint methods", () => {
    expect(hostRouteProblems([get("a", "x/{id}"), get("b", "/X/{id}/", ["get", "POST"])])).toEqual([
      "b (/X/{id}/): has the same route as 'a'",
    ]);
    expect(hostRouteProblems([get("a", "x"), get("b", "x", ["POST"])])).toEqual([]);
    expect(hostRouteProblems([get("a", "x", []), get("b", "x", ["POST"])])).toHaveLength(1);
  });

  it("refuses templates the host cannot parse", () => {
    expect(
      hostRouteProblems([
        get("a", "x/{id?}/more"),
        get("b", "x/{*rest}/more"),
        get("c", "x/{id}/{ID}"),
        get("d", "x/pre{id}"),
        get("e", "x//y"),
      ]).map((problem) => problem.split(": ")[1]),
    ).toEqual([
      "'{id?}' is optional or catch-all but not last",
      "'{*rest}' is optional or catch-all but not last",
      "parameter 'ID' appears twice",
      "segment 'pre{id}' is not one {parameter}",
      "has an empty segment",
    ]);
  });
});
