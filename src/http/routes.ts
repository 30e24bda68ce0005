import type { HttpHandler, HttpMethod } from "@azure/functions";
import { groupResourceType, userResourceType } from "../scim/schema/resourceType";
import { notFound } from "../scim/errors";
import { withTelemetry } from "../telemetry";
import { scimEndpoint } from "./endpoint";
import { getAudit, getHealth, getSummary } from "./handlers/admin";
import { getEvents, getLatestCursor } from "./handlers/events";
import { groupMembers, groups, users } from "./handlers/directory";
import { webhookAction, webhookCollection, webhookItem } from "./handlers/webhooks";
import { getResourceTypes, getSchemas, getServiceProviderConfig } from "./handlers/discovery";
import { resourceOperation, rootSearch } from "./handlers/resources";
import { tokenEndpoint } from "./handlers/token";

export interface RouteDefinition {
  readonly name: string;
  /** An Azure Functions route template; host.json sets no route prefix. */
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: HttpHandler;
}

const RESOURCE_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** The one route table: registered with app.http() in Azure and served unchanged by the local host. */
export const routes: readonly RouteDefinition[] = [
  {
    name: "scimUsers",
    route: "scim/v2/{tenantId}/Users/{id?}",
    methods: RESOURCE_METHODS,
    handler: scimEndpoint(
      resourceOperation({ type: userResourceType, service: (s) => s.users, patchReturnsContent: true }),
    ),
  },
  {
    name: "scimGroups",
    route: "scim/v2/{tenantId}/Groups/{id?}",
    methods: RESOURCE_METHODS,
    handler: scimEndpoint(
      resourceOperation({ type: groupResourceType, service: (s) => s.groups, patchReturnsContent: false }),
    ),
  },
  {
    name: "scimServiceProviderConfig",
    route: "scim/v2/{tenantId}/ServiceProviderConfig",
    methods: ["GET"],
    handler: scimEndpoint(getServiceProviderConfig),
  },
  {
    name: "scimResourceTypes",
    route: "scim/v2/{tenantId}/ResourceTypes/{id?}",
    methods: ["GET"],
    handler: scimEndpoint(getResourceTypes),
  },
  {
    name: "scimSchemas",
    route: "scim/v2/{tenantId}/Schemas/{id?}",
    methods: ["GET"],
    handler: scimEndpoint(getSchemas),
  },
  {
    name: "oauthToken",
    route: "scim/v2/{tenantId}/oauth/token",
    methods: ["POST"],
    handler: withTelemetry("oauthToken", tokenEndpoint),
  },
  { name: "health", route: "health", methods: ["GET"], handler: getHealth },
  // Operator endpoints. Not under admin/ or runtime/: the Functions host keeps those for itself and skips
  // any function routed there (src/http/hostRouteRules.ts).
  { name: "opsAudit", route: "ops/tenants/{tenantId}/audit", methods: ["GET"], handler: getAudit },
  { name: "opsSummary", route: "ops/tenants/{tenantId}/summary", methods: ["GET"], handler: getSummary },
  // The application API: its own prefix and credential (app keys), never the SCIM routes.
  {
    name: "appEventsLatest",
    route: "api/v1/tenants/{tenantId}/events/latest",
    methods: ["GET"],
    handler: getLatestCursor,
  },
  { name: "appEvents", route: "api/v1/tenants/{tenantId}/events", methods: ["GET"], handler: getEvents },
  { name: "appUsers", route: "api/v1/tenants/{tenantId}/users/{id?}", methods: ["GET"], handler: users },
  {
    name: "appGroupMembers",
    route: "api/v1/tenants/{tenantId}/groups/{id}/members",
    methods: ["GET"],
    handler: groupMembers,
  },
  { name: "appGroups", route: "api/v1/tenants/{tenantId}/groups/{id?}", methods: ["GET"], handler: groups },
  {
    name: "appWebhookAction",
    route: "api/v1/tenants/{tenantId}/webhooks/{id}/{action}",
    methods: ["GET", "POST"],
    handler: webhookAction,
  },
  {
    name: "appWebhook",
    route: "api/v1/tenants/{tenantId}/webhooks/{id}",
    methods: ["GET", "DELETE"],
    handler: webhookItem,
  },
  {
    name: "appWebhooks",
    route: "api/v1/tenants/{tenantId}/webhooks",
    methods: ["GET", "POST"],
    handler: webhookCollection,
  },
  {
    name: "scimRootSearch",
    route: "scim/v2/{tenantId}/.search",
    methods: ["POST"],
    handler: scimEndpoint(rootSearch),
  },
  {
    name: "scimNotFound",
    route: "scim/v2/{tenantId}/{*rest}",
    methods: RESOURCE_METHODS,
    handler: scimEndpoint(() => Promise.reject(notFound("No SCIM endpoint at this path."))),
  },
];
