import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { TableWebhookStore } from "../../src/store/tableWebhookStore";
import { startQueuePoller } from "../../tools/queuePoller";
import { createTestServices } from "../support/testServices";
import { startReceiver, until } from "../support/webhookReceiver";

const HOUR_MS = 60 * 60 * 1000;

function scope(tenantId: string) {
  return { tenantId, baseUrl: `https://scim.example/scim/v2/${tenantId}` };
}

describe("webhook failures: sustained failure disables, a poisoned message ends in the delivery log", () => {
  const lines: string[] = [];
  const originalLog = console.log;

  beforeAll(() => {
    console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  });

  afterAll(() => {
    console.log = originalLog;
  });

  async function tenantWithEndpoint(services: AppServices, url: string) {
    const tenantId = `fail-${randomUUID().slice(0, 8)}`;
    await services.tenants.create(tenantId);
    const { endpoint } = await services.webhooks.add(tenantId, { url });
    return { tenantId, endpoint };
  }

  it("disables an endpoint that has failed for the configured time, with an audit record and a log line", async () => {
    const services = await createTestServices({ WEBHOOK_AUTO_DISABLE_HOURS: "1" });
    const receiver = await startReceiver({ status: 503 });
    try {
      const { tenantId, endpoint } = await tenantWithEndpoint(services, receiver.url);
      await services.users.create(scope(tenantId), { userName: "x@x.com" });
      await services.webhookDelivery?.fanOut(tenantId);
      const message = { tenantId, endpointId: endpoint.id, sequence: 1, attempt: 1 };
      await services.webhookDelivery?.deliver(message);
      expect((await services.webhooks.get(tenantId, endpoint.id)).status).toBe("enabled");

      // The run of failures began two hours ago.
      const since = new Date(Date.now() - 2 * HOUR_MS).toISOString();
      await services.webhookDelivery?.deliver({ ...message, attempt: 2 });
      expect((await services.webhooks.get(tenantId, endpoint.id)).status).toBe("enabled");
      await new TableWebhookStore(services.tables.tenants).updateEndpoint(
        tenantId,
        endpoint.id,
        (current) => ({ ...current, failingSince: since }),
      );
      await services.webhookDelivery?.deliver({ ...message, attempt: 3 });

      const disabled = await services.webhooks.get(tenantId, endpoint.id);
      expect(disabled).toMatchObject({ status: "disabled", failingSince: since });
      const audit = await services.auditLog.list(tenantId, { limit: 5 });
      expect(audit.records[0]).toMatchObject({
        resourceType: "Webhook",
        resourceId: endpoint.id,
        operation: "update",
      });
      expect(
        lines.some((line) => line.includes('"event":"webhook.disabled"') && line.includes(endpoint.id)),
      ).toBe(true);
      // A disabled endpoint gets nothing more; its deliveries are logged as skipped.
      const before = receiver.received.length;
      await services.webhookDelivery?.deliver({ ...message, attempt: 4 });
      expect(receiver.received.length).toBe(before);
      expect((await services.webhooks.deliveries(tenantId, endpoint.id, 1))[0]?.status).toBe("skipped");
      // Re-enabled by the operator, it receives again.
      await services.webhooks.enable(tenantId, endpoint.id);
      receiver.answer({ status: 200 });
      await services.webhookDelivery?.deliver({ ...message, attempt: 5 });
      expect((await services.webhooks.get(tenantId, endpoint.id)).failingSince).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it("moves a delivery that keeps throwing to the poison queue, and the poison handler logs it", async () => {
    const services = await createTestServices(
      {},
      {
        webhookSender: () => Promise.reject(new Error("sender crashed")),
      },
    );
    const poller = startQueuePoller(services, { idleMs: 50 });
    try {
      const { tenantId, endpoint } = await tenantWithEndpoint(services, "http://127.0.0.1:9/never");
      await services.users.create(scope(tenantId), { userName: "p@x.com" });
      await services.webhookDelivery?.fanOut(tenantId);
      await until(
        async () =>
          (await services.webhooks.deliveries(tenantId, endpoint.id, 1))[0]?.lastError?.includes("poison") ===
          true,
        30_000,
      );
      expect((await services.webhooks.deliveries(tenantId, endpoint.id, 1))[0]).toMatchObject({
        sequence: 1,
        status: "failed",
      });
      expect(lines.some((line) => line.includes('"event":"webhook.poison"'))).toBe(true);
    } finally {
      await poller.stop();
    }
  });
});
