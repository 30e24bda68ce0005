import { Webhook } from "standardwebhooks";
import type { DirectoryEvent } from "../../src/events/directoryEvent";
import { MAX_ATTEMPTS } from "../../src/webhooks/backoff";
import { startDeliveryHarness, type DeliveryHarness, type Receiver } from "../support/deliveryHarness";
import { scimClient, type TestHost } from "../support/testServices";
import { startReceiver, until } from "../support/webhookReceiver";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("webhook delivery through the queues (Azurite, local poller, receivers on 127.0.0.1)", () => {
  let deliveries: DeliveryHarness;
  let harness: TestHost;
  let logs: string[];
  const receiver = (mode?: Parameters<typeof startReceiver>[0]) => deliveries.receiver(mode);

  beforeAll(async () => {
    deliveries = await startDeliveryHarness(2);
    ({ harness, logs } = deliveries);
  });

  afterAll(() => deliveries.close());

  const events = (receiver: Receiver): DirectoryEvent[] =>
    receiver.received.map((delivery) => JSON.parse(delivery.body) as DirectoryEvent);

  it("delivers each change, signed so that the reference verifier accepts it, and logs the delivery", async () => {
    const tenant = await harness.createTenant("hook");
    const endpoint = await receiver();
    const { endpoint: registered, secret } = await harness.services.webhooks.add(tenant.tenantId, {
      url: endpoint.url,
    });
    const scim = scimClient(tenant);
    const user = await scim("POST", "/Users", { userName: "hook@x.com" });
    await scim("PATCH", `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    await until(() => endpoint.received.length >= 2);
    // Deliveries run in parallel and may arrive in any order; the sequence orders them.
    const bySequence = events(endpoint).sort((a, b) => a.sequence - b.sequence);
    expect(bySequence.map((event) => event.type)).toEqual(["user.created", "user.deactivated"]);
    for (const delivery of endpoint.received) {
      const headers = delivery.headers as Record<string, string>;
      expect(new Webhook(secret).verify(delivery.body, headers)).toMatchObject({ tenantId: tenant.tenantId });
      expect(headers["webhook-id"]).toBe(JSON.parse(delivery.body).id);
    }
    await until(async () =>
      (await harness.services.webhooks.deliveries(tenant.tenantId, registered.id, 10)).every(
        (record) => record.status === "delivered",
      ),
    );
    const log = await harness.services.webhooks.deliveries(tenant.tenantId, registered.id, 10);
    expect(log.map((record) => [record.sequence, record.status, record.attempts, record.lastStatus])).toEqual(
      [
        [2, "delivered", 1, 204],
        [1, "delivered", 1, 204],
      ],
    );
    expect(log[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(logs.join("\n")).not.toContain(secret);
  });

  it("sends only the subscribed types, and refuses an unknown type with 400", async () => {
    const tenant = await harness.createTenant("hook");
    const endpoint = await receiver();
    await expect(
      harness.services.webhooks.add(tenant.tenantId, { url: endpoint.url, eventTypes: ["user.renamed"] }),
    ).rejects.toMatchObject({ status: 400, code: "invalid_event_type" });
    expect(await harness.services.webhooks.list(tenant.tenantId)).toEqual([]);
    await harness.services.webhooks.add(tenant.tenantId, {
      url: endpoint.url,
      eventTypes: ["group.created"],
    });
    const scim = scimClient(tenant);
    await scim("POST", "/Users", { userName: "only@x.com" });
    await scim("POST", "/Groups", { displayName: "Only" });
    await until(() => endpoint.received.length >= 1);
    await harness.services.webhookDelivery?.fanOut(tenant.tenantId);
    expect(events(endpoint).map((event) => event.type)).toEqual(["group.created"]);
  });

  it("records a failed attempt with its error and queues a retry; the last attempt fails for good", async () => {
    const tenant = await harness.createTenant("hook");
    const endpoint = await receiver({ status: 500 });
    const { endpoint: registered } = await harness.services.webhooks.add(tenant.tenantId, {
      url: endpoint.url,
    });
    await scimClient(tenant)("POST", "/Users", { userName: "fail@x.com" });
    await until(
      async () =>
        (await harness.services.webhooks.deliveries(tenant.tenantId, registered.id, 1))[0]?.status ===
        "retrying",
    );
    const [retrying] = await harness.services.webhooks.deliveries(tenant.tenantId, registered.id, 1);
    expect(retrying).toMatchObject({ sequence: 1, attempts: 1, lastStatus: 500, lastError: "HTTP 500" });
    expect(Date.parse(retrying?.nextAttemptAt ?? "") - Date.now()).toBeGreaterThan(20_000);

    await harness.services.webhookDelivery?.deliver({
      tenantId: tenant.tenantId,
      endpointId: registered.id,
      sequence: 1,
      attempt: MAX_ATTEMPTS,
    });
    const [final] = await harness.services.webhooks.deliveries(tenant.tenantId, registered.id, 1);
    expect(final).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastError: "HTTP 500" });
    expect(final?.nextAttemptAt).toBeUndefined();
  });

  it("replays a range with the same event ids, and signs with both secrets during a rotation's overlap", async () => {
    const tenant = await harness.createTenant("hook");
    const endpoint = await receiver();
    const { endpoint: registered, secret } = await harness.services.webhooks.add(tenant.tenantId, {
      url: endpoint.url,
    });
    const scim = scimClient(tenant);
    for (const name of ["a", "b", "c"]) await scim("POST", "/Users", { userName: `${name}@x.com` });
    await until(() => endpoint.received.length >= 3);
    // Up to four deliveries run at once per endpoint: they may arrive out of order, so order by sequence.
    const firstIds = events(endpoint)
      .sort((a, b) => a.sequence - b.sequence)
      .map((event) => event.id);

    const rotated = await harness.services.webhooks.rotateSecret(tenant.tenantId, registered.id, 24);
    expect(await harness.services.webhooks.replay(tenant.tenantId, registered.id, 2, 3)).toBe(2);
    await until(() => endpoint.received.length >= 5);
    const replayed = endpoint.received.slice(3);
    expect(replayed.map((delivery) => JSON.parse(delivery.body).id).sort()).toEqual(firstIds.slice(1).sort());
    for (const delivery of replayed) {
      const headers = delivery.headers as Record<string, string>;
      expect(() => new Webhook(secret).verify(delivery.body, headers)).not.toThrow();
      expect(() => new Webhook(rotated).verify(delivery.body, headers)).not.toThrow();
    }
    await expect(harness.services.webhooks.replay(tenant.tenantId, registered.id, 0)).rejects.toMatchObject({
      status: 400,
    });
  });
});
