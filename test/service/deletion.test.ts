import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { notFound } from "../../src/scim/errors";
import { deleteThenSweep } from "../../src/service/deletion";
import type { TenantScope } from "../../src/service/resourceService";
import { StorageUnavailableError } from "../../src/service/storageUnavailable";
import { countRoundTrips } from "../../src/store/roundTrips";
import type { LogHandler } from "@azure/functions";
import {
  createTestServices,
  scimClient,
  startTestHost,
  type TestHost,
  type TestTenant,
} from "../support/testServices";

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

describe("DELETE against Azurite", () => {
  let services: AppServices;
  let scope: TenantScope;

  beforeAll(async () => {
    services = await createTestServices();
  });

  beforeEach(() => {
    scope = { tenantId: `del-${randomUUID().slice(0, 8)}`, baseUrl: "https://scim.example/scim/v2/t" };
  });

  describe("retried after storage interrupted it", () => {
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

  describe("storage round trips, with and without memberships", () => {
    async function createUser(): Promise<string> {
      return String(
        (await services.users.create(scope, { userName: `d.${randomUUID()}@x.com` })).resource.id,
      );
    }

    async function createGroup(): Promise<string> {
      return String((await services.groups.create(scope, { displayName: `G ${randomUUID()}` })).resource.id);
    }

    async function changeMember(op: "add" | "remove", groupId: string, memberId: string): Promise<void> {
      await services.groups.patch(scope, groupId, {
        schemas: [PATCH_OP],
        Operations: [
          op === "add"
            ? { op, path: "members", value: [{ value: memberId }] }
            : { op, path: `members[value eq "${memberId}"]` },
        ],
      });
    }

    async function partitionRows(): Promise<string[]> {
      const keys: string[] = [];
      for await (const row of services.tables.resources.listEntities({
        queryOptions: { filter: `PartitionKey eq '${scope.tenantId}'` },
      })) {
        // Audit records, event outbox rows and the counters (n|…) are the change's trail, not the resource's rows.
        if (!/^[aon]\|/.test(row.rowKey ?? "")) keys.push(row.rowKey ?? "");
      }
      return keys.sort();
    }

    it("deletes a user who never joined a group without the membership sweep: 2 round trips", async () => {
      const userId = await createUser();
      const { roundTrips } = await countRoundTrips(() => services.users.delete(scope, userId));
      // The read, and one transaction deleting the row under its ETag with its index rows: no prefix query.
      expect(roundTrips).toBe(2);
      expect(await partitionRows()).toEqual([]);
    });

    it("sweeps a member's memberships: 4 round trips", async () => {
      const userId = await createUser();
      const groupId = await createGroup();
      await changeMember("add", groupId, userId);
      const { roundTrips } = await countRoundTrips(() => services.users.delete(scope, userId));
      // The two of a member-less user, the reverse-row query and one transaction deleting the pair.
      expect(roundTrips).toBe(4);
      const rows = await partitionRows();
      expect(rows.filter((key) => /^([mr]|u)\|/.test(key))).toEqual([]);
      expect(rows).toContain(`g|${groupId}`);
    });

    it("still sweeps a user who joined a group and left it (the mark is never cleared): 3 round trips", async () => {
      const userId = await createUser();
      const groupId = await createGroup();
      await changeMember("add", groupId, userId);
      await changeMember("remove", groupId, userId);
      const { roundTrips } = await countRoundTrips(() => services.users.delete(scope, userId));
      expect(roundTrips).toBe(3);
    });

    it("deletes an empty group in 2 round trips, and a group with a member and a parent in 6", async () => {
      const empty = await createGroup();
      expect((await countRoundTrips(() => services.groups.delete(scope, empty))).roundTrips).toBe(2);

      const userId = await createUser();
      const [groupId, parentId] = [await createGroup(), await createGroup()];
      await changeMember("add", groupId, userId);
      await changeMember("add", parentId, groupId);
      const { roundTrips } = await countRoundTrips(() => services.groups.delete(scope, groupId));
      // 2, then its members (a page, one transaction) and its parents (a query, one transaction).
      expect(roundTrips).toBe(6);
      const rows = await partitionRows();
      expect(rows.filter((key) => /^[mr]\|/.test(key))).toEqual([]);
      expect(rows).toContain(`u|${userId}`);
    });

    it("sweeps a row written before the mark existed, as one that may have memberships", async () => {
      const userId = await createUser();
      const groupId = await createGroup();
      await changeMember("add", groupId, userId);
      // What an older version left: the user's row without the property.
      const table = services.tables.resources;
      const {
        etag: _etag,
        timestamp: _timestamp,
        ...row
      } = await table.getEntity(scope.tenantId, `u|${userId}`);
      delete row.mayHaveMemberships;
      await table.updateEntity({ ...row, partitionKey: scope.tenantId, rowKey: `u|${userId}` }, "Replace");
      const { roundTrips } = await countRoundTrips(() => services.users.delete(scope, userId));
      expect(roundTrips).toBe(4);
      expect((await partitionRows()).filter((key) => /^[mr]\|/.test(key))).toEqual([]);
    });
  });
});

describe("DELETE over HTTP: the storage round trips the request log line counts", () => {
  const roundTripsByCorrelationId = new Map<string, number>();
  const captureRequestLines: LogHandler = (_level, ...args) => {
    for (const arg of args) {
      if (typeof arg !== "string" || !arg.startsWith('{"event":"scim.request"')) continue;
      const line = JSON.parse(arg) as { correlationId?: string; storageRoundTrips?: number };
      if (line.correlationId !== undefined && line.storageRoundTrips !== undefined)
        roundTripsByCorrelationId.set(line.correlationId, line.storageRoundTrips);
    }
  };
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  /** Sends the request and returns its status and the round trips its log line counted. */
  async function counted(method: string, path: string, body?: unknown) {
    const correlationId = `del-${randomUUID()}`;
    const response = await scim(method, path, body, { "X-Correlation-Id": correlationId });
    const roundTrips = roundTripsByCorrelationId.get(correlationId);
    if (roundTrips === undefined) throw new Error(`no request log line for ${method} ${path}`);
    return { status: response.status, body: response.body as Record<string, unknown>, roundTrips };
  }

  beforeAll(async () => {
    // The token check's cache outlives the test: its refresh read is not the DELETE's.
    harness = await startTestHost({ AUTH_CACHE_TTL_SECONDS: "3600" }, captureRequestLines);
    tenant = await harness.createTenant("del-http");
    scim = scimClient(tenant);
    expect((await counted("GET", "/Users?count=1")).status).toBe(200);
  });

  afterAll(() => harness.close());

  const createUser = async () =>
    String((await counted("POST", "/Users", { userName: `h.${randomUUID()}@x.com` })).body.id);
  const createGroup = async () =>
    String((await counted("POST", "/Groups", { displayName: `H ${randomUUID()}` })).body.id);

  it("deletes a user who never joined a group in 2 round trips, and it is gone", async () => {
    const userId = await createUser();
    expect(await counted("DELETE", `/Users/${userId}`)).toMatchObject({ status: 204, roundTrips: 2 });
    expect((await counted("GET", `/Users/${userId}`)).status).toBe(404);
  });

  it("deletes an empty group in 2 round trips", async () => {
    const groupId = await createGroup();
    expect(await counted("DELETE", `/Groups/${groupId}`)).toMatchObject({ status: 204, roundTrips: 2 });
  });

  it("deletes a member in 4 round trips, and the group no longer lists it", async () => {
    const [userId, otherId, groupId] = [await createUser(), await createUser(), await createGroup()];
    const added = await counted("PATCH", `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: userId }, { value: otherId }] }],
    });
    expect(added.status).toBe(204);
    // The read and the delete transaction, then the reverse-row query and one transaction for the pair.
    expect(await counted("DELETE", `/Users/${userId}`)).toMatchObject({ status: 204, roundTrips: 4 });
    const group = await counted("GET", `/Groups/${groupId}`);
    expect((group.body.members as { value: string }[]).map((member) => member.value)).toEqual([otherId]);
  });
});
