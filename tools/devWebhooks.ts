import type { AppServices } from "../src/app/composition";
import { ensureQueues } from "../src/store";
import { DEMO_TENANT } from "./devEnvironment";
import { startQueuePoller, type QueuePoller } from "./queuePoller";

/** The webhook side of `npm run dev`: Azurite's queues and the poller that runs the queue functions. */
export async function startDevWebhooks(services: AppServices): Promise<QueuePoller> {
  await ensureQueues(services.queues);
  return startQueuePoller(services);
}

/** What `npm run dev` prints: how to point a webhook at the sample consumer. */
export function consumerHint(origin: string): string {
  const api = `${origin}/api/v1/tenants/${DEMO_TENANT}`;
  return [
    "Receive the changes in an application (the sample in examples/consumer):",
    `  npm run tenant -- app-key create ${DEMO_TENANT}                               # prints CONSUMER_APP_KEY`,
    `  npm run tenant -- webhook add ${DEMO_TENANT} http://127.0.0.1:7072/webhook    # prints CONSUMER_SECRET`,
    `  CONSUMER_API_URL=${api} CONSUMER_APP_KEY=… CONSUMER_SECRET=… npm run consumer`,
  ].join("\n");
}
