import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { TableClient } from "@azure/data-tables";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { FAULTS, FaultProxy, isTransaction, type Fault } from "./support/faultProxy";
import { directResources, expectConsistent, patch, type Scim } from "./support/harness";

/**
 * A fault proxy between the connector and Azurite: whatever storage does (503,
 * 500, reset connections, never answer, answer too late), the connector answers 503 with
 * Retry-After, changes nothing it cannot finish, and works again when storage does.
 */
describe("storage faults through a fault-injecting proxy", () => {
  let proxy: FaultProxy;
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: Scim;
  let direct: TableClient;
  let userId: string;
  let groupId: string;
  let memberId: string;

  beforeAll(async () => {
    const base = String(process.env.STORAGE_CONNECTION_STRING);
    const port = Number(/TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(base)?.[1]);
    proxy = await FaultProxy.start(port);
    // A short storage timeout keeps the "never answers" cases quick.
    harness = await startTestHost({
      STORAGE_CONNECTION_STRING: proxy.connectionString(base),
      STORAGE_TIMEOUT_SECONDS: "2",
    });
    direct = directResources(harness.services);
    tenant = await harness.createTenant("faults");
    scim = scimClient(tenant);
    userId = (
      await scim("POST", "/Users", {
        userName: "kept@x.com",
        emails: [{ value: "kept@x.com", type: "work" }],
      })
    ).body.id;
    memberId = (await scim("POST", "/Users", { userName: "member@x.com" })).body.id;
    groupId = (await scim("POST", "/Groups", { displayName: "Kept" })).body.id;
  });

  afterAll(async () => {
    await harness.close();
    await proxy.close();
  });

  afterEach(async () => {
    proxy.heal();
    await expectConsistent(direct, tenant.tenantId);
  });

  /** Every SCIM route that touches storage, as Entra calls it. */
  function requests(tag: string): [string, string, unknown?][] {
    return [
      ["GET", `/Users/${userId}`],
      ["GET", `/Users?filter=${encodeURIComponent('userName eq "kept@x.com"')}`],
      ["GET", "/Users?count=5"],
      ["POST", "/Users", { userName: `new.${tag}@x.com` }],
      ["PATCH", `/Users/${userId}`, patch({ op: "replace", path: "displayName", value: `changed ${tag}` })],
      ["PUT", `/Users/${userId}`, { userName: "kept@x.com", displayName: `put ${tag}` }],
      ["DELETE", `/Users/${userId}`],
      ["GET", `/Groups/${groupId}`],
      ["POST", "/Groups", { displayName: `New ${tag}` }],
      ["PATCH", `/Groups/${groupId}`, patch({ op: "add", path: "members", value: [{ value: memberId }] })],
      ["DELETE", `/Groups/${groupId}`],
    ];
  }

  async function snapshot() {
    const users = await scim("GET", "/Users?count=100");
    const groups = await scim("GET", "/Groups?count=100");
    expect([users.status, groups.status]).toEqual([200, 200]);
    const strip = (r: any) => ({ ...r, meta: { ...r.meta, location: undefined } });
    return { users: users.body.Resources.map(strip), groups: groups.body.Resources.map(strip) };
  }

  const cases: [string, Fault, ((r: { method: string; path: string }) => boolean) | undefined][] = [
    ["every call answers 503", FAULTS.serverBusy, undefined],
    ["every call answers 500", FAULTS.internalError, undefined],
    ["every connection is reset", FAULTS.reset, undefined],
    ["no call is ever answered (past the SDK timeout)", FAULTS.hang, undefined],
    ["reads work, every transaction answers 503", FAULTS.serverBusy, isTransaction],
    ["reads work, no transaction is ever answered", FAULTS.hang, isTransaction],
  ];

  it.each(cases)(
    "answers 503 with Retry-After and changes nothing when %s",
    async (_name, fault, matches) => {
      // Known tokens stay valid through an outage: the auth cache is warm from the calls above.
      const before = await snapshot();
      const tag = randomUUID().slice(0, 6);
      proxy.failAlways(fault, matches);
      const responses = await Promise.all(
        requests(tag).map(([method, path, body]) => scim(method, path, body)),
      );
      const unexpected = responses.flatMap((response, index) => {
        const [method = "", path = ""] = requests(tag)[index] ?? [];
        const fine =
          response.status === 503
            ? response.headers.get("retry-after") !== null
            : matches !== undefined && method === "GET" && response.status === 200;
        return fine ? [] : [`${method} ${path} ${response.status}`];
      });
      expect(unexpected).toEqual([]);
      for (const response of responses.filter((r) => r.status === 503)) {
        expect(response.body.detail).not.toMatch(/at .*\.(ts|js):\d+|RestError|ECONN|odata/i);
      }
      proxy.heal();
      expect(await snapshot()).toEqual(before);
    },
  );

  it("answers 503, not 401, for a token it has not seen yet while storage is down", async () => {
    const fresh = await harness.createTenant("cold");
    proxy.failAlways(FAULTS.serverBusy);
    const response = await scimClient(fresh)("GET", "/Users");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    proxy.heal();
    // A failed credential read is retried after a short pause (the authenticator's miss refresh), never a 401.
    const after: number[] = [];
    for (let attempt = 0; attempt < 40 && after.at(-1) !== 200; attempt += 1) {
      after.push((await scimClient(fresh)("GET", "/Users")).status);
      if (after.at(-1) !== 200) await sleep(250);
    }
    expect(after.at(-1)).toBe(200);
    expect(after.filter((status) => status !== 503 && status !== 200)).toEqual([]);
  });

  it("recovers after a storage outage: Entra's retries create exactly what a calm run would", async () => {
    proxy.failNext(FAULTS.serverBusy, 8, isTransaction);
    const names = Array.from({ length: 6 }, (_, index) => `retry${index}.${randomUUID().slice(0, 4)}@x.com`);
    const results = await Promise.all(
      names.map(async (userName) => {
        for (let attempt = 0; attempt < 10; attempt += 1) {
          const response = await scim("POST", "/Users", { userName });
          if (response.status !== 503) return response.status;
        }
        return 503;
      }),
    );
    expect(results).toEqual(names.map(() => 201));
    for (const userName of names) {
      const found = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect(found.body.totalResults).toBe(1);
    }
  });

  it("leaves one user, not two, when a create's answer is lost after it was written", async () => {
    const userName = `late.${randomUUID().slice(0, 6)}@x.com`;
    // The transaction reaches Azurite and commits; its answer arrives after the connector gave up.
    proxy.failNext({ kind: "delayResponse", ms: 3000 }, 1, isTransaction);
    const first = await scim("POST", "/Users", { userName });
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).not.toBeNull();
    // Entra retries the create: the user is there, so it is a uniqueness conflict, and the match finds it.
    const retry = await scim("POST", "/Users", { userName });
    expect(retry.status).toBe(409);
    const found = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(found.body.totalResults).toBe(1);
  });

  it("does not leave a half-made group when its members cannot be added", async () => {
    const displayName = `Half ${randomUUID().slice(0, 6)}`;
    // The group's own transaction succeeds, the member transaction fails (SDK retries included), the clean-up works.
    proxy.failNext(FAULTS.serverBusy, 4, isTransaction, 1);
    const response = await scim("POST", "/Groups", { displayName, members: [{ value: memberId }] });
    expect(response.status).toBe(503);
    proxy.heal();
    const found = await scim(
      "GET",
      `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`,
    );
    expect(found.body.totalResults).toBe(0);
    const retried = await scim("POST", "/Groups", { displayName, members: [{ value: memberId }] });
    expect(retried.status).toBe(201);
  });
});
