import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DELIVERIES_PER_INSTANCE } from "../../src/webhooks/webhookDelivery";

type HostJson = {
  extensions: { queues: { batchSize: number; newBatchThreshold: number; maxDequeueCount: number } };
};

describe("host.json: the queue trigger's concurrency matches the delivery limits", () => {
  const host = JSON.parse(readFileSync(join(__dirname, "..", "..", "host.json"), "utf8")) as HostJson;

  it("hands an instance no more deliveries at once than it runs (more would bounce back to the queue)", () => {
    const { batchSize, newBatchThreshold } = host.extensions.queues;
    expect(batchSize + newBatchThreshold).toBe(DELIVERIES_PER_INSTANCE);
  });

  it("moves a message to the poison queue after five failed tries, as the docs and the local poller say", () => {
    expect(host.extensions.queues.maxDequeueCount).toBe(5);
  });
});
