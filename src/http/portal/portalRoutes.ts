import type { HttpMethod } from "@azure/functions";
import type { AppServices } from "../../app/composition";
import type { RouteDefinition } from "../routes";
import { appKeys, webhookAction, webhooks } from "./applicationSide";
import { connectInfo, createClient, createToken, trusts } from "./connect";
import { listCredentials, revokeCredential, rotateCredential } from "./credentials";
import { portalApi, portalEndpoint, portalPublicApi, type PortalOperation } from "./portalEndpoint";
import { apiNotFound, currentSession, startSession } from "./session";
import { portalStaticFiles } from "./staticFiles";
import { audit, debug, status } from "./status";
import { testConnection, type RouteHandlers } from "./testConnection";

const ALL_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The portal's routes on the request pipeline, API first (the local host matches in order, the Functions
 * host prefers literal segments). `handlers` finds the SCIM handlers that Test connection runs.
 */
export function portalRoutes(services: AppServices, handlers: RouteHandlers): RouteDefinition[] {
  const api = (name: string, route: string, methods: readonly HttpMethod[], operation: PortalOperation) => ({
    name,
    route: `portal/api/${route}`,
    methods,
    handler: portalApi(services, name, operation),
  });
  return [
    {
      name: "portalSignIn",
      route: "portal/api/session",
      methods: ["POST"],
      handler: portalPublicApi(services, "portalSignIn", startSession),
    },
    api("portalSession", "session", ["GET", "DELETE"], currentSession),
    api("portalConnect", "connect", ["GET"], connectInfo),
    api("portalCreateToken", "credentials/tokens", ["POST"], createToken),
    api("portalCreateClient", "credentials/clients", ["POST"], createClient),
    api("portalRotateCredential", "credentials/{id}/{action}", ["POST"], rotateCredential),
    api("portalRevokeCredential", "credentials/{id}", ["DELETE"], revokeCredential),
    api("portalCredentials", "credentials", ["GET"], listCredentials),
    api("portalTrusts", "trusts/{id?}", ["GET", "POST", "DELETE"], trusts),
    api("portalTestConnection", "test-connection", ["POST"], testConnection(handlers)),
    api("portalStatus", "status", ["GET"], status),
    api("portalAudit", "audit", ["GET"], audit),
    api("portalDebug", "debug", ["GET", "PUT"], debug),
    api("portalWebhookAction", "webhooks/{id}/{action}", ["GET", "POST"], webhookAction),
    api("portalWebhooks", "webhooks/{id?}", ["GET", "POST", "DELETE"], webhooks),
    api("portalAppKeys", "app-keys/{id?}", ["GET", "POST", "DELETE"], appKeys),
    {
      name: "portalApiNotFound",
      route: "portal/api/{*rest}",
      methods: ALL_METHODS,
      handler: portalPublicApi(services, "portalApiNotFound", apiNotFound),
    },
    {
      name: "portalStatic",
      route: "portal/{*path}",
      methods: ["GET"],
      handler: portalEndpoint("portalStatic", portalStaticFiles()),
    },
  ];
}
