import { startQueuePoller, type QueuePoller } from "../../tools/queuePoller";
import { startTestHost, type TestHost } from "./testServices";
import { startReceiver } from "./webhookReceiver";

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export interface DeliveryHarness {
  readonly harness: TestHost;
  readonly poller: QueuePoller;
  /** What the delivery code logged (console.log), one line each. */
  readonly logs: string[];
  /** A receiver on 127.0.0.1, closed with the harness. */
  receiver(mode?: Parameters<typeof startReceiver>[0]): Promise<Receiver>;
  close(): Promise<void>;
}

/**
 * The local host on test services with the queue poller running, the log captured, and receivers
 * to point endpoints at: the setting of every webhook delivery test.
 */
export async function startDeliveryHarness(timeoutSeconds: number): Promise<DeliveryHarness> {
  const logs: string[] = [];
  const originalLog = console.log;
  console.log = (...args: unknown[]) => logs.push(args.map(String).join(" "));
  const harness = await startTestHost({ WEBHOOK_TIMEOUT_SECONDS: String(timeoutSeconds) });
  const poller = startQueuePoller(harness.services, { idleMs: 50, sweepMs: 600_000 });
  const receivers: Receiver[] = [];
  return {
    harness,
    poller,
    logs,
    async receiver(mode) {
      const started = await startReceiver(mode);
      receivers.push(started);
      return started;
    },
    async close() {
      // Receivers first: a delivery held by a hanging one ends now, not at its deadline.
      await Promise.all(receivers.map((receiver) => receiver.close()));
      await poller.stop();
      await harness.close();
      console.log = originalLog;
    },
  };
}
