import { randomUUID } from "node:crypto";
import type { AppServices } from "../../src/app/composition";
import { queueHandlers } from "../../src/jobs/webhookQueues";
import { createTestServices } from "../support/testServices";
import { startReceiver } from "../support/webhookReceiver";

function handler(name: string) {
  const found = queueHandlers.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no handler ${name}`);
  return found.handle;
}

describe("queue handlers (jobs/webhookQueues)", () => {
  let services: AppServices;
  const lines: string[] = [];
  const originalLog = console.log;

  beforeAll(async () => {
    console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    services = await createTestServices();
  });

  afterAll(() => {
    console.log = originalLog;
  });

  it("take a message parsed or as JSON text, and drop a malformed one with a log line (no retry)", async () => {
    const receiver = await startReceiver();
    try {
      const tenantId = `q-${randomUUID().slice(0, 8)}`;
      await services.tenants.create(tenantId);
      await services.webhooks.add(tenantId, { url: receiver.url });
      await services.users.create({ tenantId, baseUrl: "https://x/scim/v2/q" }, { userName: "q@x.com" });
      // The fan-out takes a parsed message; it queues the delivery, which the delivery handler takes as text.
      await handler("webhookFanOut")({ tenantId }, services);
      const queued = await services.queues?.clients.deliveries.receiveMessages({ numberOfMessages: 1 });
      const text = Buffer.from(queued?.receivedMessageItems[0]?.messageText ?? "", "base64").toString("utf8");
      await handler("webhookDeliver")(text, services);
      expect(receiver.received).toHaveLength(1);

      await expect(handler("webhookDeliver")("not json", services)).resolves.toBeUndefined();
      await expect(handler("webhookFanOut")({ tenant: 1 }, services)).resolves.toBeUndefined();
      expect(lines.filter((line) => line.includes('"event":"webhook.malformedMessage"'))).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });
});
