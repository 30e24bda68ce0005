import { randomUUID } from "node:crypto";
import type { DirectoryEvent } from "../../src/events/directoryEvent";
import { decodeMessage } from "../../src/store/storageQueues";
import { TableWebhookStore } from "../../src/store/tableWebhookStore";
import { startDeliveryHarness, type DeliveryHarness, type Receiver } from "../support/deliveryHarness";
import { createTestServices, scimClient, type TestTenant } from "../support/testServices";
import { until } from "../support/webhookReceiver";

const sequences = (received: Receiver["received"]) =>
  new Set(received.map((delivery) => (JSON.parse(delivery.body) as DirectoryEvent).sequence));
const oneTo = (last: number) => Array.from({ length: last }, (_, index) => index + 1);

async function createUsers(tenant: TestTenant, prefix: string, count: number): Promise<void> {
  const scim = scimClient(tenant);
  const statuses = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const created = await scim("POST", "/Users", { userName: `${prefix}${index}@x.com` });
      return created.status;
    }),
  );
  expect(statuses).toEqual(Array(count).fill(201));
}

/** A tenant whose endpoint hangs and one whose endpoint answers at once, on one host. */
async function twoTenants(deliveries: DeliveryHarness) {
  const { harness } = deliveries;
  const tenantA = await harness.createTenant("hangs");
  const tenantB = await harness.createTenant("healthy");
  const hanging = await deliveries.receiver("hang");
  const healthy = await deliveries.receiver();
  const { endpoint: endpointA } = await harness.services.webhooks.add(tenantA.tenantId, { url: hanging.url });
  await harness.services.webhooks.add(tenantB.tenantId, { url: healthy.url });
  return { harness, tenantA, tenantB, hanging, healthy, endpointA };
}

describe("a hanging endpoint of tenant A does not hold up tenant B's deliveries (Azurite, local poller)", () => {
  let deliveries: DeliveryHarness;

  // A deadline far longer than the test: A's connections stay held while B is served.
  beforeAll(async () => {
    deliveries = await startDeliveryHarness(60);
  });

  afterAll(() => deliveries.close());

  it("delivers every one of B's events while A's endpoint holds its connections", async () => {
    const { harness, tenantA, tenantB, hanging, healthy, endpointA } = await twoTenants(deliveries);
    await createUsers(tenantA, "a", 16);
    await until(() => hanging.received.length >= 1);
    await createUsers(tenantB, "b", 10);
    await until(() => healthy.received.length >= 10, 45_000);
    expect([...sequences(healthy.received)].sort((x, y) => x - y)).toEqual(oneTo(10));
    // All of that while A's first deliveries were still unanswered: none has timed out or paused it.
    expect((await harness.services.webhooks.get(tenantA.tenantId, endpointA.id)).paused).toBeUndefined();
    expect(deliveries.logs.some((line) => line.includes('"event":"webhook.paused"'))).toBe(false);
    // A held no more than its share of connections: 4 per endpoint, whatever its backlog.
    expect(hanging.received.length).toBeLessThanOrEqual(4);
    expect(harness.services.webhookDelivery?.inFlight(endpointA.id)).toBeLessThanOrEqual(4);
  }, 60_000);
});

/**
 * After its first timeout a hanging endpoint is paused: its tenant's further writes queue nothing
 * for it, and once a probe succeeds every event held back reaches it.
 */
describe("a hanging endpoint is paused, then resumed without losing an event (Azurite, local poller)", () => {
  let deliveries: DeliveryHarness;

  beforeAll(async () => {
    deliveries = await startDeliveryHarness(2);
  });

  afterAll(() => deliveries.close());

  it("parks A's backlog without connections, queue messages or rows, and delivers all of it on resume", async () => {
    const { harness, tenantA, tenantB, hanging, healthy, endpointA } = await twoTenants(deliveries);
    await createUsers(tenantA, "a", 12);

    // A's endpoint times out (2 s) and is paused; it never held more than its share of 4 connections.
    await until(
      async () => (await harness.services.webhooks.get(tenantA.tenantId, endpointA.id)).paused !== undefined,
    );
    const paused = await harness.services.webhooks.get(tenantA.tenantId, endpointA.id);
    expect(paused.paused).toMatchObject({ strikes: 1, from: expect.any(Number) });
    expect(paused.paused?.from).toBeLessThanOrEqual(4);
    expect(hanging.received.length).toBeLessThanOrEqual(4);

    // While paused, A's writes queue no fan-out, write no delivery rows and open no connection.
    await until(() => harness.services.webhookDelivery?.inFlight(endpointA.id) === 0);
    const rowsBefore = (await harness.services.webhooks.deliveries(tenantA.tenantId, endpointA.id, 100))
      .length;
    const connectionsBefore = hanging.received.length;
    await harness.services.queues?.clients.fanOut.clearMessages();
    await createUsers(tenantA, "late", 8);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const fanOutQueued = await harness.services.queues?.clients.fanOut.peekMessages({ numberOfMessages: 32 });
    expect(fanOutQueued?.peekedMessageItems).toHaveLength(0);
    expect((await harness.services.webhooks.deliveries(tenantA.tenantId, endpointA.id, 100)).length).toBe(
      rowsBefore,
    );
    expect(hanging.received.length).toBe(connectionsBefore);
    // B is served meanwhile.
    await createUsers(tenantB, "b", 3);
    await until(() => healthy.received.length >= 3);

    // The endpoint recovers: its probe (made due now instead of in 30 s) succeeds, and every one of
    // A's 20 events arrives, the parked ones and those written during the pause alike.
    hanging.answer({ status: 204 });
    const store = new TableWebhookStore(harness.services.tables.tenants);
    const ended = new Date(Date.now() - 1000).toISOString();
    const pause = await store.updateEndpoint(tenantA.tenantId, endpointA.id, (current) => ({
      ...current,
      ...(current.paused ? { paused: { ...current.paused, until: ended } } : {}),
    }));
    await harness.services.webhookDelivery?.deliver({
      tenantId: tenantA.tenantId,
      endpointId: endpointA.id,
      sequence: pause?.paused?.from ?? 1,
      attempt: 1,
      probe: true,
    });
    await until(() => sequences(hanging.received).size >= 20, 30_000);
    expect([...sequences(hanging.received)].sort((x, y) => x - y)).toEqual(oneTo(20));
    const resumed = await harness.services.webhooks.get(tenantA.tenantId, endpointA.id);
    expect(resumed.paused).toBeUndefined();
    expect(resumed.failingSince).toBeUndefined();
    expect(
      deliveries.logs.some(
        (line) => line.includes('"event":"webhook.resumed"') && line.includes(endpointA.id),
      ),
    ).toBe(true);
  }, 60_000);
});

describe("the sweep and a paused endpoint (Azurite queues, no poller)", () => {
  it("queues no fan-out for a tenant whose only endpoint is paused, and a new probe once its probe is lost", async () => {
    const services = await createTestServices();
    const tenantId = `sweep-${randomUUID().slice(0, 8)}`;
    await services.tenants.create(tenantId);
    const { endpoint } = await services.webhooks.add(tenantId, { url: "http://127.0.0.1:9/hook" });
    const store = new TableWebhookStore(services.tables.tenants);
    const pauseEnded = async (agoMs: number) => {
      const until = new Date(Date.now() - agoMs).toISOString();
      await store.updateEndpoint(tenantId, endpoint.id, (current) => ({
        ...current,
        paused: { since: new Date(Date.now() - 3_600_000).toISOString(), until, strikes: 3, from: 7 },
      }));
    };
    const queued = async () => {
      const peek = async (name: "fanOut" | "deliveries") =>
        (await services.queues?.clients[name].peekMessages({ numberOfMessages: 32 }))?.peekedMessageItems.map(
          (item) => decodeMessage(item.messageText),
        ) ?? [];
      return { fanOut: await peek("fanOut"), deliveries: await peek("deliveries") };
    };

    // Its probe is due only now: it is on its way (sent with the pause), nothing to add.
    await pauseEnded(1_000);
    await services.webhookDelivery?.sweep(tenantId);
    expect(await queued()).toEqual({ fanOut: [], deliveries: [] });

    // Ten minutes past its end: the probe was lost (a crash), so the sweep sends one.
    await pauseEnded(10 * 60_000);
    await services.webhookDelivery?.sweep(tenantId);
    expect(await queued()).toEqual({
      fanOut: [],
      deliveries: [expect.objectContaining({ tenantId, endpointId: endpoint.id, sequence: 7, probe: true })],
    });

    // Once it receives again, the sweep fans the tenant out as usual.
    await store.updateEndpoint(tenantId, endpoint.id, ({ paused: _paused, ...current }) => current);
    await services.webhookDelivery?.sweep(tenantId);
    expect((await queued()).fanOut).toEqual([{ tenantId }]);
  });
});
