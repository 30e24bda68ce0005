import { randomUUID } from "node:crypto";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

function entraFilter(filter: string): string {
  return encodeURIComponent(filter).replace(/%20/g, "+");
}

function patch(...operations: object[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** Entra's group sequence over HTTP (docs/entra-behaviour.md#one-provisioning-cycle, #member-removal-by-value). */
describe("Entra's group provisioning sequence over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  let userIds: string[];

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("groups");
    scim = scimClient(tenant);
    userIds = [];
    for (let index = 0; index < 4; index += 1) {
      userIds.push((await scim("POST", "/Users", { userName: `member${index}@x.com` })).body.id);
    }
  });

  afterAll(() => harness.close());

  async function memberIds(groupId: string): Promise<string[]> {
    const group = await scim("GET", `/Groups/${groupId}`);
    return (group.body.members ?? []).map((member: { value: string }) => member.value).sort();
  }

  it("creates, matches, fills, trims, renames and deletes a group the way Entra does", async () => {
    const displayName = `Sales ${randomUUID().slice(0, 6)}`;
    const created = await scim("POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group", ADSCIM],
      externalId: "8aa1a0c0",
      displayName,
      meta: { resourceType: "Group" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName, externalId: "8aa1a0c0", members: [] });
    expect(created.headers.get("location")).toBe(`${tenant.tenantUrl}/Groups/${created.body.id}`);
    const id = created.body.id as string;

    for (const name of [displayName, displayName.toUpperCase()]) {
      const match = await scim(
        "GET",
        `/Groups?excludedAttributes=members&filter=${entraFilter(`displayName eq "${name}"`)}`,
      );
      expect(match.status).toBe(200);
      expect(match.body.totalResults).toBe(1);
      expect(match.body.Resources[0].id).toBe(id);
      expect(match.body.Resources[0].members).toBeUndefined();
    }
    const byExternalId = await scim("GET", `/Groups?filter=${entraFilter('externalId eq "8aa1a0c0"')}`);
    expect(byExternalId.body.Resources.map((group: { id: string }) => group.id)).toEqual([id]);

    const duplicate = await scim("POST", "/Groups", { displayName: displayName.toLowerCase() });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe("uniqueness");

    const added = await scim(
      "PATCH",
      `/Groups/${id}`,
      patch({
        op: "Add",
        path: "members",
        value: userIds.slice(0, 3).map((value) => ({ $ref: null, value })),
      }),
    );
    expect(added.status).toBe(204);
    expect(added.body).toBeUndefined();
    expect(await memberIds(id)).toEqual(userIds.slice(0, 3).sort());

    // Default dialect: remove path=members with a value list removes only that member.
    const removedDefault = await scim(
      "PATCH",
      `/Groups/${id}`,
      patch({ op: "Remove", path: "members", value: [{ value: userIds[0] }] }),
    );
    expect(removedDefault.status).toBe(204);
    expect(await memberIds(id)).toEqual(userIds.slice(1, 3).sort());

    // aadOptscim062020: remove members[value eq "…"].
    const removedFlag = await scim(
      "PATCH",
      `/Groups/${id}`,
      patch({ op: "remove", path: `members[value eq "${userIds[1]}"]` }),
    );
    expect(removedFlag.status).toBe(204);
    expect(await memberIds(id)).toEqual([userIds[2]]);

    // Adding a present member and removing an absent one succeed without change.
    expect(
      (
        await scim(
          "PATCH",
          `/Groups/${id}`,
          patch({ op: "Add", path: "members", value: [{ value: userIds[2] }] }),
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await scim(
          "PATCH",
          `/Groups/${id}`,
          patch({ op: "Remove", path: "members", value: [{ value: userIds[0] }] }),
        )
      ).status,
    ).toBe(204);
    expect(await memberIds(id)).toEqual([userIds[2]]);

    const renamed = await scim(
      "PATCH",
      `/Groups/${id}`,
      patch(
        { op: "Replace", path: "displayName", value: `${displayName} EMEA` },
        { op: "Add", path: "externalId", value: "new-ext" },
      ),
    );
    expect(renamed.status).toBe(204);
    const read = await scim("GET", `/Groups/${id}?excludedAttributes=members`);
    expect(read.body).toMatchObject({ displayName: `${displayName} EMEA`, externalId: "new-ext" });
    expect(read.body.members).toBeUndefined();
    const full = await scim("GET", `/Groups/${id}`);
    expect(full.body.members).toEqual([
      { value: userIds[2], $ref: `${tenant.tenantUrl}/Users/${userIds[2]}`, type: "User" },
    ]);

    expect((await scim("DELETE", `/Groups/${id}`)).status).toBe(204);
    expect((await scim("GET", `/Groups/${id}`)).status).toBe(404);
    expect((await scim("DELETE", `/Groups/${id}`)).status).toBe(404);
    const groupsOfUser = await scim("GET", `/Users/${userIds[2]}?attributes=groups`);
    expect(groupsOfUser.body.groups).toBeUndefined();
  });

  it("refuses unknown member ids with 400 and changes nothing", async () => {
    const group = await scim("POST", "/Groups", {
      displayName: `Strict ${randomUUID().slice(0, 6)}`,
      members: [{ value: userIds[0] }],
    });
    expect(group.status).toBe(201);
    expect(group.body.members).toHaveLength(1);
    const refused = await scim(
      "PATCH",
      `/Groups/${group.body.id}`,
      patch({ op: "Add", path: "members", value: [{ value: userIds[1] }, { value: "no-such-user" }] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ scimType: "invalidValue" });
    expect(refused.body.detail).toContain("no-such-user");
    expect(await memberIds(group.body.id)).toEqual([userIds[0]]);
    // Attributes and members in one request: an unknown member refuses the whole request.
    const mixed = await scim(
      "PATCH",
      `/Groups/${group.body.id}`,
      patch(
        { op: "Replace", path: "displayName", value: "Renamed by a refused request" },
        { op: "Add", path: "members", value: [{ value: "no-such-user" }] },
      ),
    );
    expect(mixed.status).toBe(400);
    expect((await scim("GET", `/Groups/${group.body.id}`)).body.displayName).toBe(group.body.displayName);
    const refusedCreate = await scim("POST", "/Groups", {
      displayName: `Ghosts ${randomUUID().slice(0, 6)}`,
      members: [{ value: "ghost" }],
    });
    expect(refusedCreate.status).toBe(400);
    const leftBehind = await scim("GET", `/Groups?filter=${entraFilter('displayName sw "Ghosts"')}`);
    expect(leftBehind.body.totalResults).toBe(0);
  });

  it("refuses a bad member in a PUT or in a later operation of a PATCH before writing anything", async () => {
    const group = await scim("POST", "/Groups", {
      displayName: `Guarded ${randomUUID().slice(0, 6)}`,
      members: [{ value: userIds[0] }],
    });
    const before = await scim("GET", `/Groups/${group.body.id}`);
    const attempts = [
      // A PUT writes the attributes first, then the members.
      ["PUT", { displayName: "Renamed by a refused PUT", members: [{ value: "no-such-user" }] }],
      ["PUT", { displayName: "Renamed by a refused PUT", members: [{ value: group.body.id }] }],
      // Each member operation is its own write: the first must not land when the second is refused.
      [
        "PATCH",
        patch(
          { op: "Add", path: "members", value: [{ value: userIds[1] }] },
          { op: "Add", path: "members", value: [{ value: "no-such-user" }] },
        ),
      ],
      [
        "PATCH",
        patch(
          { op: "Add", path: "members", value: [{ value: userIds[1] }] },
          { op: "Add", path: "members", value: [{ value: group.body.id }] },
        ),
      ],
    ] as const;
    for (const [method, body] of attempts) {
      const refused = await scim(method, `/Groups/${group.body.id}`, body);
      expect(`${method} ${refused.status} ${refused.body?.scimType}`).toBe(`${method} 400 invalidValue`);
      expect((await scim("GET", `/Groups/${group.body.id}`)).body).toEqual(before.body);
    }
  });

  it("replaces members, nests a group, serves a user's groups on request, and drops a deleted user", async () => {
    const outer = (await scim("POST", "/Groups", { displayName: `Outer ${randomUUID().slice(0, 6)}` })).body
      .id as string;
    const inner = (await scim("POST", "/Groups", { displayName: `Inner ${randomUUID().slice(0, 6)}` })).body
      .id as string;
    const replaced = await scim(
      "PATCH",
      `/Groups/${outer}`,
      patch({ op: "replace", path: "members", value: [{ value: userIds[3] }, { value: inner }] }),
    );
    expect(replaced.status).toBe(204);
    const members = (await scim("GET", `/Groups/${outer}`)).body.members;
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: inner, type: "Group" }),
        expect.objectContaining({ value: userIds[3], type: "User" }),
      ]),
    );
    const user = await scim("GET", `/Users/${userIds[3]}?attributes=userName,groups`);
    expect(user.body.groups).toEqual([
      { value: outer, $ref: `${tenant.tenantUrl}/Groups/${outer}`, type: "direct" },
    ]);
    expect((await scim("GET", `/Users/${userIds[3]}`)).body.groups).toBeUndefined();
    const byMember = await scim(
      "GET",
      `/Groups?filter=${entraFilter(`members[value eq "${inner}"]`)}&excludedAttributes=members`,
    );
    expect(byMember.body.Resources.map((group: { id: string }) => group.id)).toEqual([outer]);

    expect((await scim("DELETE", `/Users/${userIds[3]}`)).status).toBe(204);
    expect(await memberIds(outer)).toEqual([inner]);

    const put = await scim("PUT", `/Groups/${outer}`, { displayName: "Outer renamed", members: [] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: "Outer renamed", members: [] });
  });
});
