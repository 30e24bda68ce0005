import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Consumer } from "../../../examples/consumer/consumer";
import type { CopyState } from "../../../examples/consumer/directoryCopy";
import { freePort } from "../../../tools/freePort";
import { startQueuePoller, type QueuePoller } from "../../../tools/queuePoller";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../../support/testServices";
import { until } from "../../support/webhookReceiver";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
type Scim = ReturnType<typeof scimClient>;
type Mode = "down" | "500" | "up";

/** Every difference between the consumer's copy and the directory as SCIM returns it. */
async function differences(scim: Scim, copy: CopyState): Promise<string[]> {
  const found: string[] = [];
  const users = (await scim("GET", "/Users?count=1000")).body.Resources as Record<string, unknown>[];
  const groups = (await scim("GET", "/Groups?count=1000")).body.Resources as Record<string, unknown>[];
  const strip = ({
    id: _id,
    meta: _meta,
    schemas: _schemas,
    members: _members,
    ...rest
  }: Record<string, unknown>) => rest;
  for (const user of users) {
    const id = String(user.id);
    const mine = copy.users[id];
    if (!mine) found.push(`user ${id} missing`);
    else if (JSON.stringify(mine) !== JSON.stringify(strip(user))) found.push(`user ${id} differs`);
  }
  for (const id of Object.keys(copy.users)) {
    if (!users.some((user) => user.id === id)) found.push(`user ${id} should not exist`);
  }
  for (const group of groups) {
    const id = String(group.id);
    const mine = copy.groups[id];
    const members = ((group.members ?? []) as { value: string }[]).map((member) => member.value).sort();
    if (!mine) found.push(`group ${id} missing`);
    else {
      if (JSON.stringify(mine.attributes) !== JSON.stringify(strip(group))) found.push(`group ${id} differs`);
      if (JSON.stringify([...mine.members].sort()) !== JSON.stringify(members))
        found.push(`group ${id} members differ`);
    }
  }
  for (const id of Object.keys(copy.groups)) {
    if (!groups.some((group) => group.id === id)) found.push(`group ${id} should not exist`);
  }
  return found;
}

describe("the sample consumer (examples/consumer) keeps an exact copy through faults", () => {
  let harness: TestHost;
  let poller: QueuePoller;
  let tenant: TestTenant;
  let scim: Scim;
  let appKey: string;
  let front: Server;
  let mode: Mode = "up";
  let consumer: Consumer;
  let secret: string;
  let stateFile: string;
  const received = { total: 0, answered500: 0, refused: 0 };

  beforeAll(async () => {
    harness = await startTestHost({ WEBHOOK_TIMEOUT_SECONDS: "2" });
    poller = startQueuePoller(harness.services, { idleMs: 50 });
  });

  afterAll(async () => {
    await poller.stop();
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    await consumer.stop();
    await harness.close();
  });

  /** The consumer's public address: down (nothing listens), answering 500, or the consumer itself. */
  async function listen(port: number): Promise<void> {
    front = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => {
        received.total += 1;
        if (mode === "500") {
          received.answered500 += 1;
          response.statusCode = 500;
          response.end();
          return;
        }
        void consumer.receive(body, request.headers as Record<string, string>).then((status) => {
          if (status === 401) received.refused += 1;
          response.statusCode = status;
          response.end();
        });
      });
    });
    await new Promise<void>((resolve) => front.listen(port, "127.0.0.1", resolve));
  }

  async function setMode(next: Mode, port: number): Promise<void> {
    if (next === "down" && mode !== "down") {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
    if (next !== "down" && mode === "down") await listen(port);
    mode = next;
  }

  async function deliveriesSettled(): Promise<void> {
    const [endpoint] = await harness.services.webhooks.list(tenant.tenantId);
    await until(async () => {
      const log = await harness.services.webhooks.deliveries(tenant.tenantId, endpoint?.id ?? "", 200);
      return log.every((record) => record.status !== "pending");
    });
  }

  it("after an Entra-shaped cycle with the consumer down, answering 500 and receiving duplicates: zero differences", async () => {
    tenant = await harness.createTenant("app");
    scim = scimClient(tenant);
    appKey = (await harness.services.appKeys.create(tenant.tenantId)).appKey;
    const port = await freePort();
    stateFile = join(mkdtempSync(join(tmpdir(), "consumer-")), "state.json");
    const added = await harness.services.webhooks.add(tenant.tenantId, {
      url: `http://127.0.0.1:${port}/webhook`,
    });
    secret = added.secret;
    const options = {
      baseUrl: `${harness.host.origin}/api/v1/tenants/${tenant.tenantId}`,
      appKey,
      webhookSecret: secret,
      stateFile,
    };
    consumer = new Consumer(options);
    await consumer.sync();
    await listen(port);

    // Up: users and a group with members.
    const alice = (
      await scim("POST", "/Users", { userName: "alice@x.com", displayName: "Alice", active: true })
    ).body;
    const bob = (await scim("POST", "/Users", { userName: "bob@x.com", active: true })).body;
    await scim("PATCH", `/Users/${alice.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "replace", path: "displayName", value: "Alice B" },
        {
          op: "add",
          path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
          value: "Ops",
        },
      ],
    });
    const staff = (
      await scim("POST", "/Groups", {
        displayName: "Staff",
        members: [{ value: alice.id }, { value: bob.id }],
      })
    ).body;
    await until(() => consumer.state.groups[staff.id]?.members.length === 2);

    // Down: a deactivation and a reactivation, a new user; then a restart from the saved state.
    await setMode("down", port);
    await consumer.stop();
    await scim("PATCH", `/Users/${bob.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: "False" }],
    });
    await scim("POST", "/Users", { userName: "carol@x.com", active: true });
    await scim("PATCH", `/Users/${bob.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: "True" }],
    });
    await deliveriesSettled();
    consumer = new Consumer(options);
    expect(consumer.state.groups[staff.id]?.members).toHaveLength(2);
    await setMode("500", port);

    // Answering 500: member removal and a group rename.
    await scim("PATCH", `/Groups/${staff.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "remove", path: `members[value eq "${bob.id}"]` }],
    });
    await scim("PATCH", `/Groups/${staff.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "displayName", value: "All staff" }],
    });
    await until(() => received.answered500 >= 2);
    await deliveriesSettled();

    // Up again: a delete, and every event so far delivered once more (duplicates).
    await setMode("up", port);
    await scim("DELETE", `/Users/${alice.id}`);
    const position = await harness.services.eventLog.position(tenant.tenantId);
    await harness.services.webhooks.replay(tenant.tenantId, added.endpoint.id, 1, position.last);
    await until(() => consumer.state.sequence >= position.last && !(alice.id in consumer.state.users));
    await deliveriesSettled();

    expect(received.answered500).toBeGreaterThanOrEqual(2);
    expect(received.refused).toBe(0);
    expect(await differences(scim, consumer.state)).toEqual([]);
    expect(Object.keys(consumer.state.users)).toHaveLength(2);
    expect(consumer.state.groups[staff.id]?.attributes.displayName).toBe("All staff");
    expect(consumer.state.groups[staff.id]?.members).toEqual([]);
    expect(consumer.state.users[bob.id]?.active).toBe(true);
  });

  it("refuses a delivery whose signature does not verify, changing nothing", async () => {
    const before = JSON.stringify(consumer.state);
    const status = await consumer.receive(JSON.stringify({ id: "x", sequence: 999, type: "user.deleted" }), {
      "webhook-id": "x",
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
      "webhook-signature": "v1,AAAA",
    });
    expect(status).toBe(401);
    expect(JSON.stringify(consumer.state)).toBe(before);
  });

  it("re-reads the directory from the read API when its cursor has expired, then follows the feed", async () => {
    await consumer.stop();
    await scim("POST", "/Users", { userName: "dave@x.com" });
    await harness.services.eventLog.sequence(tenant.tenantId);
    await harness.services.eventLog.purge(tenant.tenantId, new Date(Date.now() + 60_000));
    consumer = new Consumer({
      baseUrl: `${harness.host.origin}/api/v1/tenants/${tenant.tenantId}`,
      appKey,
      webhookSecret: secret,
      stateFile,
    });
    await consumer.sync();
    expect(Object.values(consumer.state.users).map((user) => user.userName)).toContain("dave@x.com");
    expect(await differences(scim, consumer.state)).toEqual([]);
    await scim("POST", "/Users", { userName: "erin@x.com" });
    await until(() => Object.values(consumer.state.users).some((user) => user.userName === "erin@x.com"));
    expect(await differences(scim, consumer.state)).toEqual([]);
  });
});
