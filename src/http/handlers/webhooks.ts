import { z } from "zod";
import { ApiError } from "../../events/apiError";
import type { AppOperation } from "../appEndpoint";
import { jsonBody } from "../jsonBody";
import { limitParam } from "./events";

const MAX_DELIVERIES_PAGE = 200;

const newEndpointSchema = z.object({
  url: z.string().min(1).max(2048),
  eventTypes: z.array(z.string().max(64)).max(20).optional(),
  description: z.string().max(200).optional(),
});
const rotateSchema = z.object({ overlapHours: z.number().int().min(0).max(720).optional() });
const replaySchema = z.object({ from: z.number().int().min(1), to: z.number().int().min(1).optional() });

/** GET lists the tenant's endpoints; POST registers one and answers its secret (shown once). */
export const webhookCollection: AppOperation = async ({ request, tenantId, services }) => {
  if (request.method === "GET") return { body: { data: await services.webhooks.list(tenantId) } };
  const created = await services.webhooks.add(tenantId, await jsonBody(request, newEndpointSchema));
  return { status: 201, body: { ...created.endpoint, secret: created.secret } };
};

/** GET one endpoint; DELETE removes it (and its secrets). */
export const webhookItem: AppOperation = async ({ request, tenantId, services }) => {
  const id = request.params.id ?? "";
  if (request.method === "GET") return { body: await services.webhooks.get(tenantId, id) };
  await services.webhooks.remove(tenantId, id);
  return { status: 204, body: undefined };
};

/** POST …/rotate-secret, POST …/replay, POST …/enable, GET …/deliveries of one endpoint. */
export const webhookAction: AppOperation = async ({ request, tenantId, services }) => {
  const id = request.params.id ?? "";
  const action = `${request.method} ${request.params.action ?? ""}`;
  switch (action) {
    case "POST rotate-secret": {
      const { overlapHours } = await jsonBody(request, rotateSchema);
      return { body: { id, secret: await services.webhooks.rotateSecret(tenantId, id, overlapHours) } };
    }
    case "POST replay": {
      const { from, to } = await jsonBody(request, replaySchema);
      return { status: 202, body: { id, queued: await services.webhooks.replay(tenantId, id, from, to) } };
    }
    case "POST enable":
      return { body: await services.webhooks.enable(tenantId, id) };
    case "GET deliveries": {
      const limit = limitParam(request.query, 50, MAX_DELIVERIES_PAGE);
      return { body: { data: await services.webhooks.deliveries(tenantId, id, limit) } };
    }
    default:
      throw new ApiError(404, "not_found", "No such webhook operation.");
  }
};
