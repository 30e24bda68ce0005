import { randomUUID } from "node:crypto";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("bad input gets a SCIM error, never a 5xx, and changes nothing", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, ...args) => {
      logLines.push(args.map(String).join(" "));
    });
    tenant = await harness.createTenant("errors");
    scim = scimClient(tenant);
    userId = (await scim("POST", "/Users", { userName: "keeper@x.com", active: true })).body.id;
  });

  afterAll(() => harness.close());

  const cases: [string, string, string, unknown, number, string | undefined][] = [
    ["malformed JSON", "POST", "/Users", "{not json", 400, "invalidSyntax"],
    ["a body that is not an object", "POST", "/Users", "[1,2]", 400, "invalidSyntax"],
    ["a user without userName", "POST", "/Users", { displayName: "x" }, 400, "invalidValue"],
    [
      "a userName longer than a Table key allows",
      "POST",
      "/Users",
      { userName: "u".repeat(257) },
      400,
      "invalidValue",
    ],
    [
      "more than 20 emails",
      "POST",
      "/Users",
      { userName: "many@x.com", emails: Array.from({ length: 21 }, (_, i) => ({ value: `e${i}@x.com` })) },
      400,
      "invalidValue",
    ],
    [
      "a boolean that is not one",
      "POST",
      "/Users",
      { userName: "b@x.com", active: "maybe" },
      400,
      "invalidValue",
    ],
    ["an unknown filter operator", "GET", '/Users?filter=userName+xx+"a"', undefined, 400, "invalidFilter"],
    ["an unterminated filter", "GET", '/Users?filter=userName+eq+"a', undefined, 400, "invalidFilter"],
    [
      "a filter on an attribute Users do not have",
      "GET",
      '/Users?filter=shoeSize+eq+"9"',
      undefined,
      400,
      "invalidFilter",
    ],
    ["a non-numeric count", "GET", "/Users?count=lots", undefined, 400, "invalidValue"],
    ["a PATCH without Operations", "PATCH", "/Users/{id}", { schemas: [PATCH_OP] }, 400, "invalidSyntax"],
    [
      "an unknown op",
      "PATCH",
      "/Users/{id}",
      { Operations: [{ op: "Frobnicate", path: "title" }] },
      400,
      "invalidSyntax",
    ],
    [
      "a path that names nothing",
      "PATCH",
      "/Users/{id}",
      { Operations: [{ op: "replace", path: "nope", value: "x" }] },
      400,
      "invalidPath",
    ],
    [
      "a malformed path",
      "PATCH",
      "/Users/{id}",
      { Operations: [{ op: "replace", path: 'emails[type eq "work"', value: "x" }] },
      400,
      "invalidPath",
    ],
    [
      "a read-only attribute",
      "PATCH",
      "/Users/{id}",
      { Operations: [{ op: "replace", path: "id", value: "x" }] },
      400,
      "mutability",
    ],
    ["a remove without path", "PATCH", "/Users/{id}", { Operations: [{ op: "remove" }] }, 400, "noTarget"],
    [
      "removing userName",
      "PATCH",
      "/Users/{id}",
      { Operations: [{ op: "remove", path: "userName" }] },
      400,
      "invalidValue",
    ],
    [
      "a wrong value type in a later op",
      "PATCH",
      "/Users/{id}",
      {
        Operations: [
          { op: "replace", path: "title", value: "changed" },
          { op: "replace", path: "active", value: 7 },
        ],
      },
      400,
      "invalidValue",
    ],
    ["an unknown endpoint", "GET", "/Nope", undefined, 404, undefined],
    [
      "PATCH on the collection",
      "PATCH",
      "/Users",
      { Operations: [{ op: "replace", path: "title", value: "x" }] },
      405,
      undefined,
    ],
  ];

  it.each(cases)("%s", async (_name, method, path, body, status, scimType) => {
    const before = await scim("GET", `/Users/${userId}`);
    const response = await scim(method, path.replace("{id}", userId), body);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/scim+json");
    expect(response.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(response.body.status).toBe(String(status));
    expect(response.body.scimType).toBe(scimType);
    expect(response.body.detail).toMatch(/correlation id [0-9a-f-]{36}/);
    const after = await scim("GET", `/Users/${userId}`);
    expect(after.body).toEqual(before.body);
  });

  it("answers a search across resource types at the tenant's root 501 with a SCIM error, after auth", async () => {
    const search = { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: 'id eq "x"' };
    const answer = await scim("POST", "/.search", search);
    expect(answer.status).toBe(501);
    expect(answer.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    expect(answer.body.status).toBe("501");
    expect(answer.body.detail).toMatch(/\/Users\/\.search/);
    // The client asked for what we do not offer: logged and summarised as such, never as a server error.
    const line = logLines.find((text) => text.includes(String(answer.headers.get("x-correlation-id"))));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ status: 501, outcome: "unsupported" });
    const fresh = await harness.createTenant("unsupported");
    expect((await scimClient(fresh)("POST", "/.search", search)).status).toBe(501);
    const summary = await harness.services.requestStats.summary(fresh.tenantId);
    expect(summary.lastHour).toMatchObject({ requests: 1, failures: 0, unsupported: 1 });
    expect(summary.outlook.status).toBe("healthy");
    expect(summary.outlook.reasons.join(" ")).not.toMatch(/server errors in the last hour/);
    const anonymous = await fetch(`${tenant.tenantUrl}/.search`, {
      method: "POST",
      body: JSON.stringify(search),
    });
    expect(anonymous.status).toBe(401);
  });

  it("answers 413 for a body over the limit", async () => {
    const response = await scim("POST", "/Users", { userName: "big@x.com", title: "x".repeat(300 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
  });

  it("accepts unknown schema URNs, client meta, nulls and PascalCase names on create", async () => {
    const response = await scim("POST", "/Users", {
      schemas: [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
      ],
      UserName: "legacy@x.com",
      Active: "True",
      meta: { resourceType: "User", created: "2001-01-01T00:00:00Z" },
      addresses: null,
      phoneNumbers: null,
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { manager: null, department: "D" },
      "urn:ietf:params:scim:schemas:extension:Custom:2.0:User": { thing: 1 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ userName: "legacy@x.com", active: true });
    expect(response.body.meta.created).not.toBe("2001-01-01T00:00:00Z");
    expect(response.body.addresses).toBeUndefined();
    expect(response.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]).toEqual({
      department: "D",
    });
  });

  it("keeps tenants apart: another tenant's token is 401, another tenant's id is 404", async () => {
    const other = await harness.createTenant("other");
    const otherScim = scimClient(other);
    const foreignToken = await fetch(`${tenant.tenantUrl}/Users/${userId}`, {
      headers: { Authorization: `Bearer ${other.token}` },
    });
    expect(foreignToken.status).toBe(401);
    expect((await otherScim("GET", `/Users/${userId}`)).status).toBe(404);
    expect((await otherScim("GET", `/Users?filter=id+eq+%22${userId}%22`)).body.totalResults).toBe(0);
    expect((await otherScim("GET", "/Users?filter=userName+eq+%22keeper%40x.com%22")).body.totalResults).toBe(
      0,
    );
    expect((await otherScim("DELETE", `/Users/${userId}`)).status).toBe(404);
    expect((await scim("GET", `/Users/${userId}`)).status).toBe(200);
  });

  it("refuses a missing token, a disabled tenant and an unknown tenant with 401", async () => {
    expect((await fetch(`${tenant.tenantUrl}/Users`)).status).toBe(401);
    const unknown = await fetch(`${harness.host.origin}/scim/v2/no-such-${randomUUID().slice(0, 8)}/Users`, {
      headers: { Authorization: `Bearer ${tenant.token}` },
    });
    expect(unknown.status).toBe(401);
    const doomed = await harness.createTenant("doomed");
    await harness.services.tenants.disable(doomed.tenantId);
    harness.services.authenticator.forget(doomed.tenantId);
    expect((await scimClient(doomed)("GET", "/Users")).status).toBe(401);
  });
});
