import { QueueServiceClient, type QueueClient } from "@azure/storage-queue";
import type { Config } from "../config";
import { webhookQueueNames, type WebhookQueues, type WorkQueue } from "../webhooks/workQueue";

/**
 * The Functions host reads queue messages as base64 (its default `messageEncoding`), so messages
 * are written that way; the local poller decodes them the same way.
 */
function encodeMessage(message: object): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(Buffer.from(text, "base64").toString("utf8"));
}

/** Queue messages live at most 7 days; a retry is a new message, so each one needs far less. */
const MESSAGE_TTL_SECONDS = 7 * 24 * 60 * 60;

class StorageWorkQueue implements WorkQueue {
  constructor(readonly client: QueueClient) {}

  async send(message: object, delaySeconds = 0): Promise<void> {
    await this.client.sendMessage(encodeMessage(message), {
      visibilityTimeout: Math.max(0, Math.min(Math.round(delaySeconds), MESSAGE_TTL_SECONDS - 60)),
      messageTimeToLive: MESSAGE_TTL_SECONDS,
    });
  }
}

export interface StorageQueues extends WebhookQueues {
  /** Every queue by name, for the local poller and for creating them locally. */
  readonly clients: Readonly<Record<keyof ReturnType<typeof webhookQueueNames>, QueueClient>>;
}

function serviceClient(config: Config): QueueServiceClient | undefined {
  const connection = config.STORAGE_CONNECTION_STRING;
  if (connection !== undefined) {
    // Locally only when the connection string names a queue endpoint (Azurite's queue service).
    return /QueueEndpoint=/i.test(connection)
      ? QueueServiceClient.fromConnectionString(connection)
      : undefined;
  }
  const endpoint = config.AzureWebJobsStorage__queueServiceUri;
  if (endpoint === undefined) return undefined;
  // Loaded only in Azure: @azure/identity is heavy and slows every cold start otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new QueueServiceClient(endpoint, new DefaultAzureCredential());
}

/** The webhook queues of the configured storage; undefined when it has no queue service. */
export function openQueues(config: Config): StorageQueues | undefined {
  const service = serviceClient(config);
  if (!service) return undefined;
  const names = webhookQueueNames(config.WEBHOOK_QUEUE_PREFIX);
  const clients = {
    fanOut: service.getQueueClient(names.fanOut),
    deliveries: service.getQueueClient(names.deliveries),
    deliveriesPoison: service.getQueueClient(names.deliveriesPoison),
    fanOutPoison: service.getQueueClient(names.fanOutPoison),
  };
  return {
    clients,
    fanOut: new StorageWorkQueue(clients.fanOut),
    deliveries: new StorageWorkQueue(clients.deliveries),
  };
}

/** Creates the queues if missing (local runs and tests; in Azure the Bicep creates them). */
export async function ensureQueues(queues: StorageQueues | undefined): Promise<void> {
  if (!queues) return;
  await Promise.all(Object.values(queues.clients).map((client) => client.createIfNotExists()));
}
