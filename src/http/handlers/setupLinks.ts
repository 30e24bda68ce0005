import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import type { AppServices } from "../../app/composition";
import { ApiError } from "../../events/apiError";
import { ScimError } from "../../scim/errors";
import { MAX_SETUP_LINK_HOURS } from "../../tenants/portal/setupLinks";
import { jsonBody } from "../jsonBody";
import { asApiError } from "../portal/portalEndpoint";
import { opsWork, type OpsOperation } from "./admin";

const createSchema = z.object({ hours: z.number().positive().max(MAX_SETUP_LINK_HOURS).optional() });

/** The operator endpoints answer SCIM errors: the services' refusals said the same way. */
function asScimError(error: unknown): unknown {
  const mapped = asApiError(error);
  return mapped instanceof ApiError ? new ScimError(mapped.status, mapped.message) : mapped;
}

/**
 * GET /ops/tenants/{tenantId}/setup-links lists the tenant's setup links; POST `{hours?}` creates one
 * (its URL, with the secret in the fragment, in this answer only); DELETE …/{id} revokes one.
 */
const setupLinks: OpsOperation = async (services, request, tenantId) => {
  try {
    switch (request.method) {
      case "GET":
        return await services.setupLinks.list(tenantId);
      case "POST": {
        const { hours } = await jsonBody(request, createSchema);
        const link = await services.setupLinks.create(tenantId, hours);
        const url = `${new URL(request.url).origin}/portal/#link=${link.secret}`;
        return { tenantId, linkId: link.linkId, url, expiresAt: link.expiresAt };
      }
      default:
        return await services.setupLinks.revoke(tenantId, request.params.id ?? "");
    }
  } catch (error) {
    throw asScimError(error);
  }
};

/** The operator's work for setup links: a created link is 201, like every other creation. */
export function setupLinksWork(services: AppServices): (request: HttpRequest) => Promise<HttpResponseInit> {
  const work = opsWork(services, setupLinks);
  return async (request) => {
    const response = await work(request);
    return request.method === "POST" ? { ...response, status: 201 } : response;
  };
}
