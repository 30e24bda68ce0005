import type { AppServices } from "../../src/app/composition";
import { createRoutes, type RouteDefinition } from "../../src/http/routes";

/**
 * Services whose every use throws: building the route table must not touch them (a handler reaches its
 * services only while it serves a request), so tests of the table's shape need no storage.
 */
const untouchable = new Proxy({} as AppServices, {
  get(_target, name) {
    throw new Error(`the route table used services.${String(name)} before any request`);
  },
});

/** The route table's names, templates and methods, for tests that never serve a request with it. */
export const routeTable: readonly RouteDefinition[] = createRoutes(untouchable);
