import { app } from "@azure/functions";
import { assertHostAcceptsRoutes } from "../http/hostRouteRules";
import { routes } from "../http/routes";
import { RETENTION_SCHEDULE, runRetention } from "../jobs/retention";
import { runWebhookSweep, WEBHOOK_SWEEP_SCHEDULE, webhookQueueFunctions } from "../jobs/webhookQueues";

/** Registers every route of the route table as an HTTP function, the queue handlers, and the timers. */
export function registerFunctions(): void {
  // The host would skip a refused function with only a log line; failing here makes it visible.
  assertHostAcceptsRoutes(routes);
  for (const { name, route, methods, handler } of routes) {
    app.http(name, { route, methods: [...methods], authLevel: "anonymous", handler });
  }
  for (const { name, queueName, handler } of webhookQueueFunctions()) {
    app.storageQueue(name, { queueName, connection: "AzureWebJobsStorage", handler });
  }
  app.timer("webhookSweep", { schedule: WEBHOOK_SWEEP_SCHEDULE, handler: runWebhookSweep });
  app.timer("auditRetention", {
    schedule: RETENTION_SCHEDULE,
    handler: async () => {
      await runRetention();
    },
  });
}
