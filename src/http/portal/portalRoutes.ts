import type { HttpHandler, HttpMethod } from "@azure/functions";
import { appKeys, webhookAction, webhooks } from "./applicationSide";
import { connectInfo, createClient, createToken, trusts } from "./connect";
import { listCredentials, revokeCredential, rotateCredential } from "./credentials";
import { apiNotFound, currentSession, startSession } from "./session";
import { portalStaticFiles } from "./staticFiles";
import { audit, debug, status } from "./status";
import { testConnection, type RouteHandlers } from "./testConnection";

interface PortalRoute {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: HttpHandler;
}

/**
 * The portal's routes, API first (the local host matches in order, the Functions host prefers literal
 * segments). `handlers` finds the SCIM handlers that Test connection runs.
 */
export function portalRoutes(handlers: RouteHandlers): readonly PortalRoute[] {
  return [
    { name: "portalSignIn", route: "portal/api/session", methods: ["POST"], handler: startSession },
    {
      name: "portalSession",
      route: "portal/api/session",
      methods: ["GET", "DELETE"],
      handler: currentSession,
    },
    { name: "portalConnect", route: "portal/api/connect", methods: ["GET"], handler: connectInfo },
    {
      name: "portalCreateToken",
      route: "portal/api/credentials/tokens",
      methods: ["POST"],
      handler: createToken,
    },
    {
      name: "portalCreateClient",
      route: "portal/api/credentials/clients",
      methods: ["POST"],
      handler: createClient,
    },
    {
      name: "portalRotateCredential",
      route: "portal/api/credentials/{id}/{action}",
      methods: ["POST"],
      handler: rotateCredential,
    },
    {
      name: "portalRevokeCredential",
      route: "portal/api/credentials/{id}",
      methods: ["DELETE"],
      handler: revokeCredential,
    },
    {
      name: "portalCredentials",
      route: "portal/api/credentials",
      methods: ["GET"],
      handler: listCredentials,
    },
    {
      name: "portalTrusts",
      route: "portal/api/trusts/{id?}",
      methods: ["GET", "POST", "DELETE"],
      handler: trusts,
    },
    {
      name: "portalTestConnection",
      route: "portal/api/test-connection",
      methods: ["POST"],
      handler: testConnection(handlers),
    },
    { name: "portalStatus", route: "portal/api/status", methods: ["GET"], handler: status },
    { name: "portalAudit", route: "portal/api/audit", methods: ["GET"], handler: audit },
    { name: "portalDebug", route: "portal/api/debug", methods: ["GET", "PUT"], handler: debug },
    {
      name: "portalWebhookAction",
      route: "portal/api/webhooks/{id}/{action}",
      methods: ["GET", "POST"],
      handler: webhookAction,
    },
    {
      name: "portalWebhooks",
      route: "portal/api/webhooks/{id?}",
      methods: ["GET", "POST", "DELETE"],
      handler: webhooks,
    },
    {
      name: "portalAppKeys",
      route: "portal/api/app-keys/{id?}",
      methods: ["GET", "POST", "DELETE"],
      handler: appKeys,
    },
    {
      name: "portalApiNotFound",
      route: "portal/api/{*rest}",
      methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      handler: apiNotFound,
    },
    { name: "portalStatic", route: "portal/{*path}", methods: ["GET"], handler: portalStaticFiles() },
  ];
}
