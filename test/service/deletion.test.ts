import { randomUUID } from "node:crypto";
import type { Services } from "../../src/app/services";
import { notFound } from "../../src/scim/errors";
import { deleteThenSweep } from "../../src/service/deletion";
import type { TenantScope } from "../../src/service/resourceService";
import { StorageUnavailableError } from "../../src/service/storageUnavailable";
import { createTestServices } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** A step that records its name when it runs. */
const step = (steps: string[], name: string) => () => {
  steps.push(name);
  return Promise.resolve();
};

describe("deleteThenSweep", () => {
  const namesNothing = () => Promise.resolve(true);
  const namesAnother = () => Promise.resolve(false);

  /** A delete step that records itself and says whether the resource may have had memberships. */
  const deleted = (steps: string[], mayHaveMemberships: boolean) => async () => {
    await step(steps, "delete")();
    return mayHaveMemberships;
  };

  it("sweeps after a delete of a resource that may have memberships", async () => {
    const steps: string[] = [];
    await deleteThenSweep(deleted(steps, true), step(steps, "sweep"), namesNothing);
    expect(steps).toEqual(["delete", "sweep"]);
  });

  it("does not sweep after a delete of a resource that never had memberships", async () => {
    const steps: string[] = [];
    await deleteThenSweep(deleted(steps, false), step(steps, "sweep"), namesNothing);
    expect(steps).toEqual(["delete"]);
  });

  it("sweeps when the resource is already gone and the id names nothing, then answers 404", async () => {
    const steps: string[] = [];
    const gone = deleteThenSweep(() => Promise.reject(notFound("gone")), step(steps, "sweep"), namesNothing);
    await expect(gone).rejects.toMatchObject({ status: 404 });
    expect(steps).toEqual(["sweep"]);
  });

  it("does not sweep for a 404 when the id names a resource of the other kind", async () => {
    const steps: string[] = [];
    const other = deleteThenSweep(
      () => Promise.reject(notFound("other")),
      step(steps, "sweep"),
      namesAnother,
    );
    await expect(other).rejects.toMatchObject({ status: 404 });
    expect(steps).toEqual([]);
  });

  it("does not sweep when the delete failed for another reason", async () => {
    const steps: string[] = [];
    const failed = deleteThenSweep(
      () => Promise.reject(new StorageUnavailableError()),
      step(steps, "sweep"),
      namesNothing,
    );
    await expect(failed).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(steps).toEqual([]);
  });
});

describe("a DELETE retried after storage interrupted it (Azurite)", () => {
  let services: Services;
  let scope: TenantScope;

  beforeAll(async () => {
    services = await createTestServices();
  });

  beforeEach(() => {
    scope = { tenantId: `del-${randomUUID().slice(0, 8)}`, baseUrl: "https://scim.example/scim/v2/t" };
  });

  async function groupWithMember(): Promise<{ groupId: string; userId: string }> {
    const user = await services.users.create(scope, { userName: `m.${randomUUID()}@x.com` });
    const group = await services.groups.create(scope, { displayName: `G ${randomUUID()}` });
    const [userId, groupId] = [String(user.resource.id), String(group.resource.id)];
    await services.groups.patch(scope, groupId, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: userId }] }],
    });
    return { groupId, userId };
  }

  /** What an interrupted delete leaves: the row gone, memberships not yet swept. */
  async function deleteRowOnly(rowKey: string): Promise<void> {
    await services.tables.resources.deleteEntity(scope.tenantId, rowKey);
  }

  async function membershipRows(): Promise<string[]> {
    const keys: string[] = [];
    for await (const row of services.tables.resources.listEntities({
      queryOptions: { filter: `PartitionKey eq '${scope.tenantId}'` },
    })) {
      if (/^[mr]\|/.test(row.rowKey ?? "")) keys.push(row.rowKey ?? "");
    }
    return keys;
  }

  it("removes a deleted user's memberships and answers 404", async () => {
    const { userId } = await groupWithMember();
    await deleteRowOnly(`u|${userId}`);
    expect(await membershipRows()).toHaveLength(2);
    await expect(services.users.delete(scope, userId)).rejects.toMatchObject({ status: 404 });
    expect(await membershipRows()).toEqual([]);
  });

  it("leaves a user's memberships alone when its id is sent to DELETE /Groups, and a group's to DELETE /Users", async () => {
    const { groupId, userId } = await groupWithMember();
    const parent = await services.groups.create(scope, { displayName: `Parent ${randomUUID()}` });
    await services.groups.patch(scope, String(parent.resource.id), {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: groupId }] }],
    });
    expect(await membershipRows()).toHaveLength(4);
    await expect(services.groups.delete(scope, userId)).rejects.toMatchObject({ status: 404 });
    await expect(services.users.delete(scope, groupId)).rejects.toMatchObject({ status: 404 });
    expect(await membershipRows()).toHaveLength(4);
  });

  it("removes a deleted group's memberships and answers 404", async () => {
    const { groupId } = await groupWithMember();
    await deleteRowOnly(`g|${groupId}`);
    await expect(services.groups.delete(scope, groupId)).rejects.toMatchObject({ status: 404 });
    expect(await membershipRows()).toEqual([]);
  });
});
