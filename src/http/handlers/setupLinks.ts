import { z } from "zod";
import { ApiError } from "../../events/apiError";
import { ScimError } from "../../scim/errors";
import { MAX_SETUP_LINK_HOURS } from "../../tenants/portal/setupLinks";
import { TenantAdminError } from "../../tenants/tenantAdmin";
import { jsonBody } from "../jsonBody";
import { ADMIN_ERROR_STATUS } from "../portal/portalEndpoint";
import { adminEndpoint } from "./admin";

const createSchema = z.object({ hours: z.number().positive().max(MAX_SETUP_LINK_HOURS).optional() });

/** The operator endpoints answer SCIM errors: the portal's refusals said the same way. */
function asScimError(error: unknown): unknown {
  if (error instanceof TenantAdminError)
    return new ScimError(ADMIN_ERROR_STATUS[error.reason], error.message);
  if (error instanceof ApiError) return new ScimError(error.status, error.message);
  return error;
}

/**
 * GET /ops/tenants/{tenantId}/setup-links lists the tenant's setup links; POST `{hours?}` creates one
 * (its URL, with the secret in the fragment, in this answer only); DELETE …/{id} revokes one.
 */
export const opsSetupLinks = adminEndpoint(
  async (current, request, tenantId) => {
    try {
      switch (request.method) {
        case "GET":
          return await current.setupLinks.list(tenantId);
        case "POST": {
          const { hours } = await jsonBody(request, createSchema);
          const link = await current.setupLinks.create(tenantId, hours);
          const url = `${new URL(request.url).origin}/portal/#link=${link.secret}`;
          return { tenantId, linkId: link.linkId, url, expiresAt: link.expiresAt };
        }
        default:
          return await current.setupLinks.revoke(tenantId, request.params.id ?? "");
      }
    } catch (error) {
      throw asScimError(error);
    }
  },
  (request) => (request.method === "POST" ? 201 : 200),
);
