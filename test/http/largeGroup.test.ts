import { randomUUID } from "node:crypto";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import type { TenantScope } from "../../src/service/resourceService";
import { selectAttributes } from "../../src/scim/projection";
import { groupResourceType } from "../../src/scim/schema/resourceType";
import { countRoundTrips } from "../../src/store/roundTrips";
import { inParallel } from "../../packages/entra-replay/src/index";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

/** 1,500 members by default; LARGE_GROUP_MEMBERS=100000 runs the full-size proof (npm run test:large). */
const MEMBERS = Number(process.env.LARGE_GROUP_MEMBERS ?? 1500);
const BATCH = 1000;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

describe(`a group of ${MEMBERS} members`, () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scope: TenantScope;
  let scim: ReturnType<typeof scimClient>;
  let groupId: string;
  let userIds: string[];

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("large");
    scope = { tenantId: tenant.tenantId, baseUrl: tenant.tenantUrl };
    scim = scimClient(tenant);
    userIds = [];
    const names = Array.from({ length: MEMBERS + 1 }, (_, index) => `member${index}@x.com`);
    await inParallel(names, 16, async (userName) => {
      const created = await scim("POST", "/Users", { userName });
      if (created.status !== 201) throw new Error(`create ${userName}: ${created.status}`);
      userIds.push(created.body.id);
    });
    groupId = (await scim("POST", "/Groups", { displayName: `Everyone ${randomUUID().slice(0, 6)}` })).body
      .id;
    const batches: string[][] = [];
    for (let start = 0; start < MEMBERS; start += BATCH)
      batches.push(userIds.slice(start, Math.min(start + BATCH, MEMBERS)));
    await inParallel(batches, 4, async (batch) => {
      const added = await scim("PATCH", `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Add", path: "members", value: batch.map((value) => ({ value })) }],
      });
      if (added.status !== 204) throw new Error(`add members: ${added.status} ${JSON.stringify(added.body)}`);
    });
  }, 3_600_000);

  afterAll(() => harness.close());

  it("adds and removes one member with a constant number of storage round trips", async () => {
    const newcomer = userIds[MEMBERS] ?? "";
    const add = {
      schemas: [PATCH_OP],
      Operations: [{ op: "Add", path: "members", value: [{ value: newcomer }] }],
    };
    const remove = {
      schemas: [PATCH_OP],
      Operations: [{ op: "Remove", path: "members", value: [{ value: newcomer }] }],
    };
    expect((await countRoundTrips(() => harness.services.groups.patch(scope, groupId, add))).roundTrips).toBe(
      1,
    );
    expect(
      (await countRoundTrips(() => harness.services.groups.patch(scope, groupId, remove))).roundTrips,
    ).toBe(2);
  });

  it("reads only the group row for excludedAttributes=members", async () => {
    const { result, roundTrips } = await countRoundTrips(() =>
      harness.services.groups.get(
        scope,
        groupId,
        selectAttributes(groupResourceType, { excludedAttributes: "members" }),
      ),
    );
    expect(roundTrips).toBe(1);
    expect(result.streamed).toBeUndefined();
    expect(result.resource.members).toBeUndefined();
  });

  it("streams every member over HTTP, holding a bounded amount of memory", async () => {
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    // Memory still held (after a collection) while the response streams: garbage awaiting collection
    // is not what the group costs, the live members are.
    let retainedPeak = 0;
    const response = await fetch(`${tenant.tenantUrl}/Groups/${groupId}`, {
      headers: { Authorization: `Bearer ${tenant.token}` },
    });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let members = 0;
    let bytes = 0;
    let chunks = 0;
    const marker = '"type":"User"';
    let carry = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      const text = carry + decoder.decode(chunk, { stream: true });
      members += text.split(marker).length - 1;
      // Keep a tail too short to hold a whole marker, so one split across chunks is still counted once.
      carry = text.slice(-(marker.length - 1));
      chunks += 1;
      if (chunks % 5 === 1) {
        collectGarbage();
        retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(members).toBe(MEMBERS);
    // Holding every member as JS objects would take several times the response's size; a page does not.
    if (MEMBERS >= 50_000) expect(retainedPeak).toBeLessThan(bytes / 4);
    console.log(
      `${MEMBERS} members, ${bytes} bytes streamed in ${chunks} chunks, ` +
        `peak memory held while streaming ${(retainedPeak / 1048576).toFixed(1)} MiB`,
    );
  });
});
