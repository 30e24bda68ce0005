import { app } from "@azure/functions";
import { assertHostAcceptsRoutes } from "../http/hostRouteRules";
import { routes } from "../http/routes";
import { RETENTION_SCHEDULE, runRetention } from "../jobs/retention";

/** Registers every route of the route table as an HTTP function, and the retention timer. */
export function registerFunctions(): void {
  // The host would skip a refused function with only a log line; failing here makes it visible.
  assertHostAcceptsRoutes(routes);
  for (const { name, route, methods, handler } of routes) {
    app.http(name, { route, methods: [...methods], authLevel: "anonymous", handler });
  }
  app.timer("auditRetention", {
    schedule: RETENTION_SCHEDULE,
    handler: async () => {
      await runRetention();
    },
  });
}
