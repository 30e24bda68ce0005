import { loadAppApiSpec } from "../../support/openApi";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("directory read API over HTTP, checked against docs/app-api.openapi.json", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let appKey: string;
  let otherAppKey: string;
  const spec = loadAppApiSpec();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("dir");
    const other = await harness.createTenant("dir");
    appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    otherAppKey = (await harness.services.appKeys.create(other.tenantId)).appKey;
    const scim = scimClient(tenant);
    for (const name of ["ann", "bob", "cy"]) {
      const created = await scim("POST", "/Users", {
        userName: `${name}@x.com`,
        active: name !== "cy",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Sales" },
      });
      ids[name] = String(created.body.id);
    }
    const group = await scim("POST", "/Groups", {
      displayName: "Staff",
      members: [{ value: ids.ann }, { value: ids.bob }],
    });
    ids.staff = String(group.body.id);
    await scim("PATCH", `/Users/${ids.bob}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "displayName", value: "Bob" }],
    });
  });

  afterAll(() => harness.close());

  /** GETs a path and checks the answer against the documented response of `template`. */
  async function get(template: string, path: string, key = appKey) {
    const response = await fetch(`${harness.host.origin}/api/v1/tenants/${tenant.tenantId}${path}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const body = (await response.json()) as any;
    expect(spec.problems(`/api/v1/tenants/{tenantId}${template}`, response.status, body)).toEqual([]);
    return { status: response.status, body };
  }

  it("lists users with their attributes and a feed cursor to follow afterwards", async () => {
    const { status, body } = await get("/users", "/users");
    expect(status).toBe(200);
    expect(body.data.map((user: any) => user.attributes.userName).sort()).toEqual([
      "ann@x.com",
      "bob@x.com",
      "cy@x.com",
    ]);
    expect(body.next).toBeUndefined();
    expect(body.feedCursor).toMatch(/^ev1_/);
    const events = await fetch(
      `${harness.host.origin}/api/v1/tenants/${tenant.tenantId}/events?after=${body.feedCursor}`,
      { headers: { Authorization: `Bearer ${appKey}` } },
    );
    expect(((await events.json()) as { data: unknown[] }).data).toEqual([]);
  });

  it("filters users by active and updatedSince", async () => {
    const inactive = await get("/users", "/users?active=false");
    expect(inactive.body.data.map((user: any) => user.id)).toEqual([ids.cy]);
    const active = await get("/users", "/users?active=true");
    expect(active.body.data).toHaveLength(2);
    const bob = await get("/users/{id}", `/users/${ids.bob}`);
    const recent = await get("/users", `/users?updatedSince=${encodeURIComponent(bob.body.updatedAt)}`);
    expect(recent.body.data.map((user: any) => user.id)).toEqual([ids.bob]);
  });

  it("returns one user with the ids of its groups, one group, and the group's members", async () => {
    const ann = await get("/users/{id}", `/users/${ids.ann}`);
    expect(ann.body).toMatchObject({ id: ids.ann, object: "user", groups: [ids.staff] });
    expect(ann.body.attributes["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]).toEqual({
      department: "Sales",
    });
    const group = await get("/groups/{id}", `/groups/${ids.staff}`);
    expect(group.body).toMatchObject({
      id: ids.staff,
      object: "group",
      attributes: { displayName: "Staff" },
    });
    const groups = await get("/groups", "/groups");
    expect(groups.body.data.map((item: any) => item.id)).toEqual([ids.staff]);
    const members = await get("/groups/{id}/members", `/groups/${ids.staff}/members`);
    expect(members.body.groupId).toBe(ids.staff);
    expect(members.body.members.map((member: any) => member.id).sort()).toEqual([ids.ann, ids.bob].sort());
    expect(members.body.members.every((member: any) => member.type === "user")).toBe(true);
  });

  it("answers 404 for unknown ids and 400 for bad parameters or another listing's cursor", async () => {
    expect((await get("/users/{id}", "/users/nope")).status).toBe(404);
    expect((await get("/groups/{id}", "/groups/nope")).status).toBe(404);
    expect((await get("/groups/{id}/members", "/groups/nope/members")).status).toBe(404);
    for (const query of ["active=maybe", "updatedSince=yesterday", "cursor=ls1.abc.AAAAAAAAAAAAAAAA"]) {
      const response = await get("/users", `/users?${query}`);
      expect(response.status).toBe(400);
    }
    expect((await get("/groups", "/groups?active=true")).status).toBe(400);
  });

  it("refuses another tenant's app key and Entra's SCIM token with 401", async () => {
    expect((await get("/users", "/users", otherAppKey)).status).toBe(401);
    expect((await get("/users", "/users", tenant.token)).status).toBe(401);
  });

  it("pages a long listing with sealed cursors that another tenant or listing cannot use", async () => {
    const many = await harness.createTenant("dir");
    const key = (await harness.services.appKeys.create(many.tenantId)).appKey;
    await Promise.all(
      Array.from({ length: 230 }, (_, index) =>
        harness.services.users.create(
          { tenantId: many.tenantId, baseUrl: many.tenantUrl },
          { userName: `m${index}@x.com` },
        ),
      ),
    );
    const read = async (path: string, bearer = key) => {
      const response = await fetch(`${harness.host.origin}/api/v1/tenants/${many.tenantId}${path}`, {
        headers: { Authorization: `Bearer ${bearer}` },
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const first = await read("/users");
    expect(first.body.next).toBeDefined();
    expect(spec.problems("/api/v1/tenants/{tenantId}/users", 200, first.body)).toEqual([]);
    const second = await read(`/users?cursor=${first.body.next}`);
    const all = [...first.body.data, ...second.body.data].map((user: any) => user.id);
    expect(new Set(all).size).toBe(230);
    expect(second.body.next).toBeUndefined();
    expect((await read(`/groups?cursor=${first.body.next}`)).status).toBe(400);
    expect((await get("/users", `/users?cursor=${first.body.next}`)).status).toBe(400);
  });

  it("has a spec strict enough to catch a wrong shape", () => {
    expect(
      spec.problems("/api/v1/tenants/{tenantId}/users/{id}", 200, { id: "x", object: "user" }),
    ).not.toEqual([]);
    expect(
      spec.problems("/api/v1/tenants/{tenantId}/events", 200, {
        data: [{ id: "e", sequence: 1, tenantId: "t", type: "user.renamed", time: "x", resourceId: "r" }],
        next: "c",
        hasMore: false,
      }),
    ).not.toEqual([]);
  });
});
