import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { purgeExpiredEvents } from "../../src/events/eventRetention";
import { createTestServices } from "../support/testServices";

describe("event retention (Azurite)", () => {
  let services: AppServices;

  beforeAll(async () => {
    services = await createTestServices();
  });

  it("expires every tenant's old events and delivery-log entries, and nothing younger than the retention", async () => {
    const tenantId = `ret-${randomUUID().slice(0, 8)}`;
    await services.tenants.create(tenantId);
    const { endpoint } = await services.webhooks.add(tenantId, { url: "http://127.0.0.1:9/hook" });
    const scope = { tenantId, baseUrl: "https://scim.example/scim/v2/x" };
    await services.users.create(scope, { userName: "old@x.com" });
    await services.webhookDelivery?.fanOut(tenantId);
    expect(await services.webhooks.deliveries(tenantId, endpoint.id, 10)).toHaveLength(1);
    const purge = (tenant: string, before: Date) => services.webhooks.purgeDeliveries(tenant, before);

    // 30 days of retention, as of now: nothing is that old yet.
    expect(await purgeExpiredEvents(services.tenants, services.eventLog, 30, new Date(), purge)).toBe(0);
    expect((await services.eventLog.position(tenantId)).purgedThrough).toBe(0);

    // As of 31 days from now, the event and its delivery entry have expired.
    const later = new Date(Date.now() + 31 * 24 * 60 * 60 * 1000);
    expect(await purgeExpiredEvents(services.tenants, services.eventLog, 30, later, purge)).toBe(1);
    expect(await services.webhooks.deliveries(tenantId, endpoint.id, 10)).toEqual([]);
    expect((await services.eventLog.position(tenantId)).purgedThrough).toBe(1);
  });
});
