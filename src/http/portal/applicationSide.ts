import { z } from "zod";
import { ApiError } from "../../events/apiError";
import { jsonBody } from "../jsonBody";
import type { PortalOperation } from "./portalEndpoint";
import { routeId } from "./portalIds";

const MAX_DELIVERIES = 50;

const endpointSchema = z.object({
  url: z.string().min(1).max(2048),
  eventTypes: z.array(z.string().max(64)).max(20).optional(),
  description: z.string().max(200).optional(),
});
const appKeySchema = z.object({ name: z.string().max(100).optional() });

/** GET lists the webhook endpoints, POST adds one (its signing secret in this answer only), DELETE removes one. */
export const webhooks: PortalOperation = async ({ request, session, services }) => {
  switch (request.method) {
    case "GET":
      return { body: await services.webhooks.list(session.tenantId) };
    case "POST": {
      const created = await services.webhooks.add(session.tenantId, await jsonBody(request, endpointSchema));
      return { status: 201, body: { ...created.endpoint, secret: created.secret } };
    }
    default:
      await services.webhooks.remove(session.tenantId, routeId(request.params, "webhook endpoint"));
      return { status: 204 };
  }
};

/**
 * POST …/{id}/test delivers the tenant's latest event to the endpoint again (a real, signed delivery
 * the receiver can check); GET …/{id}/deliveries is its delivery log.
 */
export const webhookAction: PortalOperation = async ({ request, session, services }) => {
  const id = routeId(request.params, "webhook endpoint");
  switch (`${request.method} ${request.params.action ?? ""}`) {
    case "POST test": {
      await services.webhooks.get(session.tenantId, id);
      const { last } = await services.eventLog.position(session.tenantId);
      if (last < 1) {
        throw new ApiError(409, "no_events", "This tenant has no event to send yet: provision a user first.");
      }
      const queued = await services.webhooks.replay(session.tenantId, id, last, last);
      return { status: 202, body: { id, queued, sequence: last } };
    }
    case "GET deliveries":
      return { body: await services.webhooks.deliveries(session.tenantId, id, MAX_DELIVERIES) };
    default:
      throw new ApiError(404, "notFound", "No such webhook operation.");
  }
};

/** GET lists the application keys, POST creates one (shown in this answer only), DELETE revokes one. */
export const appKeys: PortalOperation = async ({ request, session, services }) => {
  switch (request.method) {
    case "GET":
      return { body: await services.appKeys.list(session.tenantId) };
    case "POST": {
      const { name } = await jsonBody(request, appKeySchema);
      const created = await services.appKeys.create(session.tenantId, name);
      const apiUrl = `${new URL(request.url).origin}/api/v1/tenants/${session.tenantId}`;
      return { status: 201, body: { ...created, apiUrl } };
    }
    default:
      await services.appKeys.revoke(session.tenantId, routeId(request.params, "app key"));
      return { status: 204 };
  }
};
