import { app } from "@azure/functions";
import { createServices, type AppServices } from "../app/composition";
import type { Config } from "../config";
import { assertHostAcceptsRoutes } from "../http/hostRouteRules";
import { createRoutes } from "../http/routes";
import { RETENTION_SCHEDULE, runRetention } from "../jobs/retention";
import { sweepWebhooks, WEBHOOK_SWEEP_SCHEDULE, webhookQueueFunctions } from "../jobs/webhookQueues";

/**
 * The Functions entry's composition: builds this process's services from the validated configuration
 * (the one place it happens in Azure) and registers every function over them.
 */
export function registerFunctions(config: Config): void {
  registerFunctionsOver(createServices(config));
}

/**
 * Registers every route of the route table as an HTTP function, the queue handlers, and the timers, all
 * over the services the entry built (each handler closes over them; none reaches for a global).
 */
function registerFunctionsOver(services: AppServices): void {
  const routes = createRoutes(services);
  // The host would skip a refused function with only a log line; failing here makes it visible.
  assertHostAcceptsRoutes(routes);
  for (const { name, route, methods, handler } of routes) {
    app.http(name, { route, methods: [...methods], authLevel: "anonymous", handler });
  }
  for (const { name, queueName, handler } of webhookQueueFunctions(services)) {
    app.storageQueue(name, { queueName, connection: "AzureWebJobsStorage", handler });
  }
  app.timer("webhookSweep", { schedule: WEBHOOK_SWEEP_SCHEDULE, handler: () => sweepWebhooks(services) });
  app.timer("auditRetention", {
    schedule: RETENTION_SCHEDULE,
    handler: async () => {
      await runRetention(services);
    },
  });
}
