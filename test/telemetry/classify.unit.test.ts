import { routeTable as routes } from "../support/routeTable";
import { describeRequest, outcomeOf, patchIntent, resourceOfRoute } from "../../src/telemetry/classify";

describe("request classification", () => {
  it("knows the resource of every SCIM route but the catch-all", () => {
    // /health and /ops/... are the operator's, not SCIM requests: they are not classified.
    for (const { name } of routes.filter((route) => route.route.startsWith("scim/v2/"))) {
      if (name === "scimNotFound" || name === "scimRootSearch") expect(resourceOfRoute(name)).toBe("unknown");
      else expect(resourceOfRoute(name)).not.toBe("unknown");
    }
  });

  it.each([
    ["GET", undefined, false, "list"],
    ["GET", undefined, true, "filter"],
    ["GET", "abc", false, "get"],
    ["POST", undefined, false, "create"],
    ["POST", ".search", false, "search"],
    ["PUT", "abc", false, "replace"],
    ["PATCH", "abc", false, "patch"],
    ["delete", "abc", false, "delete"],
  ])("%s with id %s (filter %s) on Users is %s", (method, id, hasFilter, operation) => {
    expect(describeRequest({ route: "scimUsers", method, hasFilter, ...(id ? { id } : {}) })).toEqual({
      resource: "Users",
      operation,
    });
  });

  it("maps statuses to outcomes the way Entra weighs them", () => {
    expect([200, 201, 204, 400, 401, 403, 404, 409, 412, 413, 500, 501, 503].map(outcomeOf)).toEqual([
      "success",
      "success",
      "success",
      "clientError",
      "authFailure",
      "authFailure",
      "clientError",
      "clientError",
      "clientError",
      "clientError",
      "serverError",
      // A feature the client asked for and the connector does not offer: not the service failing.
      "unsupported",
      "serverError",
    ]);
  });
});

describe("PATCH intent", () => {
  const ops = (...Operations: object[]) => ({ schemas: [], Operations });

  it("reads a disable in both Entra dialects and a re-enable without a path", () => {
    expect(patchIntent(ops({ op: "Replace", path: "active", value: "False" }))?.active).toBe(false);
    expect(patchIntent(ops({ op: "replace", path: "active", value: false }))?.active).toBe(false);
    // What the PATCH itself refuses (a padded string) is no disable either.
    expect(patchIntent(ops({ op: "Replace", path: "active", value: " False" }))?.active).toBeUndefined();
    expect(patchIntent(ops({ op: "replace", value: { active: true } }))).toEqual({
      active: true,
      otherAttributes: false,
      membersAdded: 0,
      membersRemoved: 0,
      membersReplaced: false,
    });
  });

  it("tells attribute changes from membership changes and counts members", () => {
    expect(
      patchIntent(
        ops(
          { op: "Add", path: "members", value: [{ value: "a" }, { value: "b" }] },
          { op: "Remove", path: 'members[value eq "c"]' },
          { op: "Remove", path: "members", value: [{ value: "d" }] },
        ),
      ),
    ).toEqual({ otherAttributes: false, membersAdded: 2, membersRemoved: 2, membersReplaced: false });
    expect(
      patchIntent(ops({ op: "Replace", path: 'emails[type eq "work"].value', value: "x" })),
    ).toMatchObject({
      otherAttributes: true,
    });
    expect(
      patchIntent(
        ops({
          op: "Add",
          path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
          value: "x",
        }),
      ),
    ).toMatchObject({ otherAttributes: true });
  });

  it("is undefined for what is not a PATCH body", () => {
    expect(patchIntent(undefined)).toBeUndefined();
    expect(patchIntent({ schemas: [] })).toBeUndefined();
    expect(patchIntent([])).toBeUndefined();
  });
});
