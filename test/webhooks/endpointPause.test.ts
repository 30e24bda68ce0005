import type { DirectoryEvent } from "../../src/events/directoryEvent";
import { TableWebhookStore } from "../../src/store/tableWebhookStore";
import { startDeliveryHarness, type DeliveryHarness, type Receiver } from "../support/deliveryHarness";
import { scimClient, type TestHost, type TestTenant } from "../support/testServices";
import { startReceiver, until } from "../support/webhookReceiver";

/**
 * A hanging endpoint is paused after its first timeout: it holds at most its per-endpoint share of
 * connections, its tenant's further writes queue nothing for it, another tenant's deliveries go on,
 * and once a probe succeeds every event held back reaches it.
 */
describe("a hanging endpoint is paused, isolated from other tenants, and resumed (Azurite, local poller)", () => {
  let deliveries: DeliveryHarness;
  let harness: TestHost;
  let lines: string[];
  const receiver = (mode?: Parameters<typeof startReceiver>[0]) => deliveries.receiver(mode);

  beforeAll(async () => {
    deliveries = await startDeliveryHarness(8);
    ({ harness, logs: lines } = deliveries);
  });

  afterAll(() => deliveries.close());

  const sequences = (received: Receiver["received"]) =>
    new Set(received.map((delivery) => (JSON.parse(delivery.body) as DirectoryEvent).sequence));

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

  it("delivers tenant B's events while A's endpoint hangs, then parks A's backlog without connections or rows", async () => {
    const tenantA = await harness.createTenant("hangs");
    const tenantB = await harness.createTenant("healthy");
    const hanging = await receiver("hang");
    const healthy = await receiver();
    const { endpoint: endpointA } = await harness.services.webhooks.add(tenantA.tenantId, {
      url: hanging.url,
    });
    await harness.services.webhooks.add(tenantB.tenantId, { url: healthy.url });

    await createUsers(tenantA, "a", 12);
    await until(() => hanging.received.length >= 1);
    await createUsers(tenantB, "b", 10);
    // Every one of B's deliveries arrives while A's first connections are still held (before any times out).
    await until(() => healthy.received.length >= 10);
    expect([...sequences(healthy.received)].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 10 }, (_, index) => index + 1),
    );
    const firstTimeoutLogged = () =>
      lines.findIndex((line) => line.includes('"event":"webhook.paused"') && line.includes(endpointA.id));
    expect(firstTimeoutLogged()).toBe(-1);

    // A's endpoint times out (8 s) and is paused; it never held more than its share of 4 connections.
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
    // B is still served as before.
    await createUsers(tenantB, "b2-", 3);
    await until(() => healthy.received.length >= 13);

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
    expect([...sequences(hanging.received)].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    const resumed = await harness.services.webhooks.get(tenantA.tenantId, endpointA.id);
    expect(resumed.paused).toBeUndefined();
    expect(resumed.failingSince).toBeUndefined();
    expect(
      lines.some((line) => line.includes('"event":"webhook.resumed"') && line.includes(endpointA.id)),
    ).toBe(true);
  }, 60_000);
});
