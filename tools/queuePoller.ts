import type { QueueClient } from "@azure/storage-queue";
import type { AppServices } from "../src/app/composition";
import { queueHandlers, sweepWebhooks } from "../src/jobs/webhookQueues";
import { decodeMessage } from "../src/store";
import { DELIVERIES_PER_INSTANCE } from "../src/webhooks/webhookDelivery";

export interface QueuePollerOptions {
  /** Pause between polls of an idle queue. */
  readonly idleMs?: number;
  /** Messages handled at once per queue (the Functions host's batch size). */
  readonly concurrency?: number;
  /** How often every tenant with endpoints is fanned out, as the sweep timer does in Azure. */
  readonly sweepMs?: number;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

/** As the Functions host: a message that failed this often moves to `<queue>-poison`. */
const MAX_DEQUEUE_COUNT = 5;
/** Invisible while handled (longer than a delivery's timeout); a crash makes it visible again. */
const VISIBILITY_SECONDS = 60;
const RETRY_SECONDS = 1;

/**
 * Runs the queue-triggered functions locally against Azurite's queues, the way the Functions host
 * runs them in Azure: the same handlers, base64 JSON messages, delete on success, retry on a
 * throw, and the poison queue after five failed tries.
 */
export function startQueuePoller(services: AppServices, options: QueuePollerOptions = {}): QueuePoller {
  const queues = services.queues;
  if (!queues) return { stop: () => Promise.resolve() };
  const idleMs = options.idleMs ?? 200;
  const concurrency = options.concurrency ?? DELIVERIES_PER_INSTANCE;
  let running = true;
  const handling = new Set<Promise<void>>();

  async function handleOne(
    client: QueueClient,
    poison: QueueClient | undefined,
    handle: (message: unknown) => Promise<void>,
    item: { messageId: string; popReceipt: string; messageText: string; dequeueCount: number },
  ): Promise<void> {
    try {
      await handle(decodeMessage(item.messageText));
      await client.deleteMessage(item.messageId, item.popReceipt);
    } catch {
      if (item.dequeueCount >= MAX_DEQUEUE_COUNT && poison) {
        await poison.sendMessage(item.messageText).catch(() => undefined);
        await client.deleteMessage(item.messageId, item.popReceipt).catch(() => undefined);
      } else {
        await client
          .updateMessage(item.messageId, item.popReceipt, undefined, RETRY_SECONDS)
          .catch(() => undefined);
      }
    }
  }

  async function poll(queue: (typeof queueHandlers)[number]): Promise<void> {
    const client = queues?.clients[queue.queue];
    if (!client) return;
    const poison =
      queue.queue === "deliveries"
        ? queues.clients.deliveriesPoison
        : queue.queue === "fanOut"
          ? queues.clients.fanOutPoison
          : undefined;
    let inFlight = 0;
    while (running) {
      const room = concurrency - inFlight;
      const received =
        room > 0
          ? await client
              .receiveMessages({
                numberOfMessages: Math.min(32, room),
                visibilityTimeout: VISIBILITY_SECONDS,
              })
              .catch(() => undefined)
          : undefined;
      const items = received?.receivedMessageItems ?? [];
      for (const item of items) {
        inFlight += 1;
        const work = handleOne(client, poison, (message) => queue.handle(message, services), item).finally(
          () => {
            inFlight -= 1;
            handling.delete(work);
          },
        );
        handling.add(work);
      }
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
    }
  }

  const loops = queueHandlers.map((queue) => poll(queue));
  const sweep = setInterval(() => {
    void sweepWebhooks(services).catch(() => undefined);
  }, options.sweepMs ?? 60_000);
  sweep.unref();
  return {
    async stop() {
      running = false;
      clearInterval(sweep);
      await Promise.all(loops);
      await Promise.all(handling);
    },
  };
}
