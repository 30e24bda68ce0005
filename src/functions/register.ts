import { app } from "@azure/functions";
import { routes } from "../http/routes";

/** Registers every route of the route table as an HTTP function. */
export function registerFunctions(): void {
  for (const { name, route, methods, handler } of routes) {
    app.http(name, { route, methods: [...methods], authLevel: "anonymous", handler });
  }
}
