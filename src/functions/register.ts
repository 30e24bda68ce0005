import { app } from "@azure/functions";
import { assertHostAcceptsRoutes } from "../http/hostRouteRules";
import { routes } from "../http/routes";
import { services } from "../app/services";
import { RETENTION_SCHEDULE, runRetention } from "../jobs/retention";
import { webhookQueueNames } from "../webhooks/workQueue";
import { queueHandlers, sweepWebhooks, WEBHOOK_SWEEP_SCHEDULE } from "./queueHandlers";

/** Registers every route of the route table as an HTTP function, the queue handlers, and the timers. */
export function registerFunctions(): void {
  // The host would skip a refused function with only a log line; failing here makes it visible.
  assertHostAcceptsRoutes(routes);
  for (const { name, route, methods, handler } of routes) {
    app.http(name, { route, methods: [...methods], authLevel: "anonymous", handler });
  }
  const queues = webhookQueueNames(services().config.WEBHOOK_QUEUE_PREFIX);
  for (const { name, queue, handle } of queueHandlers) {
    app.storageQueue(name, {
      queueName: queues[queue],
      connection: "AzureWebJobsStorage",
      handler: (message) => handle(message, services()),
    });
  }
  app.timer("webhookSweep", {
    schedule: WEBHOOK_SWEEP_SCHEDULE,
    handler: () => sweepWebhooks(services()),
  });
  app.timer("auditRetention", {
    schedule: RETENTION_SCHEDULE,
    handler: async () => {
      await runRetention();
    },
  });
}
