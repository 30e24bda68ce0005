import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import type { TenantScope } from "../../src/service/resourceService";
import { countRoundTrips } from "../../src/store/roundTrips";
import { createTestServices } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("ResourceService storage cost and concurrency (Azurite)", () => {
  let services: AppServices;
  let scope: TenantScope;

  beforeAll(async () => {
    services = await createTestServices();
  });

  beforeEach(() => {
    scope = { tenantId: `svc-${randomUUID().slice(0, 8)}`, baseUrl: "https://scim.example/scim/v2/t" };
  });

  it("costs 1 round trip to create, 2 to match by userName, 1 to GET, 2 to PATCH, 3 to DELETE", async () => {
    const create = await countRoundTrips(() =>
      services.users.create(scope, {
        userName: "Cost@x.com",
        externalId: "c1",
        emails: [{ type: "work", value: "cost@x.com" }],
      }),
    );
    expect(create.roundTrips).toBe(1);
    const id = String(create.result.resource.id);

    const match = await countRoundTrips(() =>
      services.users.query(scope, { filter: 'userName eq "cost@X.com"' }),
    );
    expect(match.result.totalResults).toBe(1);
    expect(match.roundTrips).toBe(2);

    const byExternalId = await countRoundTrips(() =>
      services.users.query(scope, { filter: 'externalId eq "c1"' }),
    );
    expect(byExternalId.result.totalResults).toBe(1);
    expect(byExternalId.roundTrips).toBe(2);

    const byEmail = await countRoundTrips(() =>
      services.users.query(scope, { filter: 'emails[type eq "work"].value eq "COST@x.com"' }),
    );
    expect(byEmail.result.totalResults).toBe(1);
    expect(byEmail.roundTrips).toBe(2);

    const miss = await countRoundTrips(() =>
      services.users.query(scope, { filter: 'userName eq "nobody@x.com"' }),
    );
    expect(miss.result.totalResults).toBe(0);
    expect(miss.roundTrips).toBe(1);

    const get = await countRoundTrips(() => services.users.get(scope, id));
    expect(get.roundTrips).toBe(1);

    const patch = await countRoundTrips(() =>
      services.users.patch(scope, id, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Replace", path: "active", value: "False" }],
      }),
    );
    expect(patch.result.resource.active).toBe(false);
    expect(patch.roundTrips).toBe(2);

    // A delete reads the row and deletes it under its ETag with its index rows in one transaction; a
    // user never in a group needs no membership sweep (test/service/deletion.test.ts counts the others).
    const remove = await countRoundTrips(() => services.users.delete(scope, id));
    expect(remove.roundTrips).toBe(2);
  });

  it("loses no update when PATCHes of one user race (optimistic concurrency with retry)", async () => {
    const { resource } = await services.users.create(scope, { userName: "race@x.com" });
    const id = String(resource.id);
    const attributes = [
      "title",
      "nickName",
      "displayName",
      "locale",
      "timezone",
      "userType",
      "profileUrl",
      "preferredLanguage",
    ];
    await Promise.all(
      attributes.map((attribute) =>
        services.users.patch(scope, id, {
          schemas: [PATCH_OP],
          Operations: [{ op: "add", path: attribute, value: `v-${attribute}` }],
        }),
      ),
    );
    const { resource: final } = await services.users.get(scope, id);
    for (const attribute of attributes) expect(final[attribute]).toBe(`v-${attribute}`);
  });

  it("answers 412 on a stale If-Match and applies a current one", async () => {
    const created = await services.users.create(scope, { userName: "etag@x.com" });
    const id = String(created.resource.id);
    const body = { schemas: [PATCH_OP], Operations: [{ op: "add", path: "title", value: "t" }] };
    await expect(services.users.patch(scope, id, body, 'W/"stale"')).rejects.toMatchObject({ status: 412 });
    const updated = await services.users.patch(scope, id, body, created.version);
    expect(updated.version).not.toBe(created.version);
    expect(updated.resource.meta).toMatchObject({ version: updated.version });
    await expect(services.users.delete(scope, id, created.version)).rejects.toMatchObject({ status: 412 });
  });

  it("gives exactly one 201 when 20 creates of one userName race", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => services.users.create(scope, { userName: "Same@x.com" })),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected")
        expect(result.reason).toMatchObject({ status: 409, scimType: "uniqueness" });
    }
  });

  it("serializes a PATCH's documents once: the new one, never the stored one again", async () => {
    const created = await services.users.create(scope, {
      userName: "Once@x.com",
      title: "Before",
      name: { givenName: "Ada", familyName: "Lovelace" },
    });
    const id = String(created.resource.id);
    // A document, as opposed to the audit's values, the SDK's bodies or anything else serialized.
    const isDoc = (value: unknown) =>
      typeof value === "object" &&
      value !== null &&
      (value as { userName?: unknown }).userName === "Once@x.com";
    const stringify = jest.spyOn(JSON, "stringify");
    try {
      await services.users.patch(scope, id, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Replace", path: "title", value: "After" }],
      });
      // The comparison with the stored row, the stored row, and the outbox copy share one text;
      // the stored document's text is the one its row was read from. (Before: five serializations.)
      expect(stringify.mock.calls.filter(([value]) => isDoc(value))).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
    const read = await services.users.get(scope, id);
    expect(read.resource).toMatchObject({
      title: "After",
      name: { givenName: "Ada", familyName: "Lovelace" },
    });
    // A PATCH that changes nothing still writes nothing (same text as the stored row's).
    const again = await services.users.patch(scope, id, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Replace", path: "title", value: "After" }],
    });
    expect(again.version).toBe(read.version);
  });
});
