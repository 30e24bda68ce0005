import type { AppServices } from "../app/composition";
import { deliveryMessageSchema, fanOutMessageSchema } from "../webhooks/webhookDelivery";
import { webhookQueueNames } from "../webhooks/workQueue";

export interface QueueHandler {
  readonly name: string;
  readonly queue: keyof ReturnType<typeof webhookQueueNames>;
  /** Throwing hands the message back to the queue (the host retries it, then moves it to the poison queue). */
  readonly handle: (message: unknown, services: AppServices) => Promise<void>;
}

/** The host hands over a JSON message parsed; should it arrive as text, it is parsed here. */
function parsed(message: unknown): unknown {
  if (typeof message !== "string") return message;
  try {
    return JSON.parse(message) as unknown;
  } catch {
    return message;
  }
}

function malformed(queue: string): void {
  // A message no retry can fix: logged and dropped rather than retried into the poison queue.
  console.log(JSON.stringify({ event: "webhook.malformedMessage", queue }));
}

/** The one table of queue-triggered functions: registered with app.storageQueue() in Azure, polled locally. */
export const queueHandlers: readonly QueueHandler[] = [
  {
    name: "webhookFanOut",
    queue: "fanOut",
    handle: async (message, services) => {
      const fanOut = fanOutMessageSchema.safeParse(parsed(message));
      if (!fanOut.success) {
        malformed("fanOut");
        return;
      }
      await services.webhookDelivery?.fanOut(fanOut.data.tenantId);
    },
  },
  {
    name: "webhookDeliver",
    queue: "deliveries",
    handle: async (message, services) => {
      const delivery = deliveryMessageSchema.safeParse(parsed(message));
      if (!delivery.success) {
        malformed("deliveries");
        return;
      }
      await services.webhookDelivery?.deliver(delivery.data);
    },
  },
  {
    name: "webhookPoison",
    queue: "deliveriesPoison",
    handle: async (message, services) => {
      await services.webhookDelivery?.recordPoison(parsed(message));
    },
  },
];

/** Every few minutes: fan out each tenant whose endpoints receive (a notice may be lost); probe lost pauses. */
export const WEBHOOK_SWEEP_SCHEDULE = "0 */5 * * * *";

export async function sweepWebhooks(services: AppServices): Promise<void> {
  if (!services.webhookDelivery) return;
  for (const tenant of await services.tenants.list()) {
    await services.webhookDelivery.sweep(tenant.tenantId);
  }
}

/** The queue functions as the Functions host registers them: name, queue, handler on the host's services. */
export function webhookQueueFunctions(services: AppServices): {
  name: string;
  queueName: string;
  handler: (message: unknown) => Promise<void>;
}[] {
  const names = webhookQueueNames(services.config.WEBHOOK_QUEUE_PREFIX);
  return queueHandlers.map(({ name, queue, handle }) => ({
    name,
    queueName: names[queue],
    handler: (message: unknown) => handle(message, services),
  }));
}
