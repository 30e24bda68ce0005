import type { HttpHandler, HttpMethod } from "@azure/functions";
import { currentSession, startSession } from "./session";
import { portalStaticFiles } from "./staticFiles";

interface PortalRoute {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: HttpHandler;
}

/** The portal's routes, API first: the local host matches in order, the Functions host by precedence. */
export const portalRoutes: readonly PortalRoute[] = [
  { name: "portalSignIn", route: "portal/api/session", methods: ["POST"], handler: startSession },
  { name: "portalSession", route: "portal/api/session", methods: ["GET", "DELETE"], handler: currentSession },
  { name: "portalStatic", route: "portal/{*path}", methods: ["GET"], handler: portalStaticFiles() },
];
