import type { HttpHandler, HttpMethod } from "@azure/functions";
import type { AppServices } from "../app/composition";
import { groupResourceType, userResourceType } from "../scim/schema/resourceType";
import { notFound } from "../scim/errors";
import { appEndpoint, type AppOperation } from "./appEndpoint";
import { scimEndpoint, type ScimOperation } from "./endpoint";
import {
  getAudit,
  getHealth,
  getSummary,
  healthSurface,
  opsSurface,
  opsWork,
  type OpsOperation,
} from "./handlers/admin";
import { getEvents, getLatestCursor } from "./handlers/events";
import { groupMembers, groups, users } from "./handlers/directory";
import { webhookAction, webhookCollection, webhookItem } from "./handlers/webhooks";
import { getResourceTypes, getSchemas, getServiceProviderConfig } from "./handlers/discovery";
import { resourceOperation, rootSearch } from "./handlers/resources";
import { oauthSurface, tokenWork } from "./handlers/token";
import { pipeline } from "./pipeline";
import { setupLinksWork } from "./handlers/setupLinks";
import { portalRoutes } from "./portal/portalRoutes";

export interface RouteDefinition {
  readonly name: string;
  /** An Azure Functions route template; host.json sets no route prefix. */
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: HttpHandler;
}

const RESOURCE_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The one route table, over the services a host built: registered with app.http() in Azure and served
 * unchanged by the local host. Every handler is a surface's work on the one request pipeline.
 */
export function createRoutes(services: AppServices): RouteDefinition[] {
  const scim = (name: string, route: string, methods: readonly HttpMethod[], operation: ScimOperation) => ({
    name,
    route,
    methods,
    handler: scimEndpoint(services, name, operation),
  });
  const app = (name: string, route: string, methods: readonly HttpMethod[], operation: AppOperation) => ({
    name,
    route,
    methods,
    handler: appEndpoint(services, name, operation),
  });
  const ops = (name: string, route: string, operation: OpsOperation) => ({
    name,
    route,
    methods: ["GET"] as const,
    handler: pipeline(opsSurface, name, opsWork(services, operation)),
  });
  const table: RouteDefinition[] = [
    scim(
      "scimUsers",
      "scim/v2/{tenantId}/Users/{id?}",
      RESOURCE_METHODS,
      resourceOperation({ type: userResourceType, service: (s) => s.users, patchReturnsContent: true }),
    ),
    scim(
      "scimGroups",
      "scim/v2/{tenantId}/Groups/{id?}",
      RESOURCE_METHODS,
      resourceOperation({ type: groupResourceType, service: (s) => s.groups, patchReturnsContent: false }),
    ),
    scim(
      "scimServiceProviderConfig",
      "scim/v2/{tenantId}/ServiceProviderConfig",
      ["GET"],
      getServiceProviderConfig,
    ),
    scim("scimResourceTypes", "scim/v2/{tenantId}/ResourceTypes/{id?}", ["GET"], getResourceTypes),
    scim("scimSchemas", "scim/v2/{tenantId}/Schemas/{id?}", ["GET"], getSchemas),
    {
      name: "oauthToken",
      route: "scim/v2/{tenantId}/oauth/token",
      methods: ["POST"],
      handler: pipeline(oauthSurface, "oauthToken", tokenWork(services)),
    },
    {
      name: "health",
      route: "health",
      methods: ["GET"],
      handler: pipeline(healthSurface, "health", () => getHealth(services)),
    },
    // Operator endpoints. Not under admin/ or runtime/: the Functions host keeps those for itself and skips
    // any function routed there (src/http/hostRouteRules.ts).
    ops("opsAudit", "ops/tenants/{tenantId}/audit", getAudit),
    ops("opsSummary", "ops/tenants/{tenantId}/summary", getSummary),
    {
      name: "opsSetupLinks",
      route: "ops/tenants/{tenantId}/setup-links/{id?}",
      methods: ["GET", "POST", "DELETE"],
      handler: pipeline(opsSurface, "opsSetupLinks", setupLinksWork(services)),
    },
    // The application API: its own prefix and credential (app keys), never the SCIM routes.
    app("appEventsLatest", "api/v1/tenants/{tenantId}/events/latest", ["GET"], getLatestCursor),
    app("appEvents", "api/v1/tenants/{tenantId}/events", ["GET"], getEvents),
    app("appUsers", "api/v1/tenants/{tenantId}/users/{id?}", ["GET"], users),
    app("appGroupMembers", "api/v1/tenants/{tenantId}/groups/{id}/members", ["GET"], groupMembers),
    app("appGroups", "api/v1/tenants/{tenantId}/groups/{id?}", ["GET"], groups),
    app(
      "appWebhookAction",
      "api/v1/tenants/{tenantId}/webhooks/{id}/{action}",
      ["GET", "POST"],
      webhookAction,
    ),
    app("appWebhook", "api/v1/tenants/{tenantId}/webhooks/{id}", ["GET", "DELETE"], webhookItem),
    app("appWebhooks", "api/v1/tenants/{tenantId}/webhooks", ["GET", "POST"], webhookCollection),
    // The self-service portal: its JSON API, then its page's files (docs/portal.md).
    ...portalRoutes(services, (name) => table.find((route) => route.name === name)?.handler),
    scim("scimRootSearch", "scim/v2/{tenantId}/.search", ["POST"], rootSearch),
    scim("scimNotFound", "scim/v2/{tenantId}/{*rest}", RESOURCE_METHODS, () =>
      Promise.reject(notFound("No SCIM endpoint at this path.")),
    ),
  ];
  return table;
}
