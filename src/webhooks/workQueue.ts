/** A queue of work items (JSON objects) that queue-triggered functions, or the local poller, process. */
export interface WorkQueue {
  /** Adds a message; `delaySeconds` keeps it invisible that long (the retry backoff). */
  send(message: object, delaySeconds?: number): Promise<void>;
}

/** The queues of webhook delivery. */
export interface WebhookQueues {
  /** "This tenant has new changes": numbers them and fans them out to the tenant's endpoints. */
  readonly fanOut: WorkQueue;
  /** One event for one endpoint (first attempts, retries and replays). */
  readonly deliveries: WorkQueue;
}

/** Queue names; the Functions host moves a message that failed 5 times to `<name>-poison`. */
export function webhookQueueNames(prefix: string) {
  return {
    fanOut: `${prefix}-fanout`,
    deliveries: `${prefix}-deliveries`,
    deliveriesPoison: `${prefix}-deliveries-poison`,
    fanOutPoison: `${prefix}-fanout-poison`,
  } as const;
}

/** The names Azure uses (Bicep creates them; the functions are registered on them). */
export const DEFAULT_QUEUE_PREFIX = "scim-webhook";
