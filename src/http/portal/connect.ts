import { z } from "zod";
import { jsonBody } from "../jsonBody";
import type { PortalOperation } from "./portalEndpoint";
import { newClient, newToken } from "./newSecrets";
import { routeId } from "./portalIds";
import { tenantUrlOf } from "./session";

/** The Entra screens the admin goes through, in order (docs/entra-setup.md, steps 3 to 6). */
const STEPS = [
  "In the Microsoft Entra admin center open Enterprise applications, New application, Create your own application (non-gallery).",
  "In the application open Provisioning and set Provisioning Mode to Automatic.",
  "Under Admin Credentials paste the Tenant URL below and a Secret Token you create here (or use an OAuth client or a federation trust).",
  "Select Test Connection: Entra looks up a user and a group that cannot exist; both must answer with an empty list. Run the same check here first.",
  "Save, review the attribute mappings, set Provisioning Status to On and Save again.",
];

const tokenSchema = z.object({ graceDays: z.number().int().min(0).max(30).optional() });
const clientSchema = z.object({ years: z.number().int().min(1).max(3).optional() });
const trustSchema = z.object({
  issuer: z.string().min(1).max(512),
  subject: z.string().min(1).max(512),
  audiences: z.array(z.string().min(1).max(512)).min(1).max(10),
  jwksUri: z.string().min(1).max(2048),
});

/** GET /portal/api/connect: what to paste into Entra, and where. */
export const connectInfo: PortalOperation = ({ request, session }) => {
  const tenantUrl = tenantUrlOf(request, session.tenantId);
  return Promise.resolve({ body: { tenantUrl, tokenEndpoint: `${tenantUrl}/oauth/token`, steps: STEPS } });
};

/**
 * POST /portal/api/credentials/tokens: a new Secret Token, shown in this answer only. The tenant's
 * earlier tokens keep working for the grace period (default 7 days), as with the operator's rotate.
 */
export const createToken: PortalOperation = async (call) => {
  const { graceDays } = await jsonBody(call.request, tokenSchema);
  const { graceEndsAt, ...token } = await newToken(call, graceDays);
  return { status: 201, body: { ...token, previousGraceEndsAt: graceEndsAt } };
};

/** POST /portal/api/credentials/clients: OAuth client credentials, the secret shown in this answer only. */
export const createClient: PortalOperation = async (call) => {
  const { years } = await jsonBody(call.request, clientSchema);
  return { status: 201, body: await newClient(call, years) };
};

/** GET lists the workload identity federation trusts, POST adds one, DELETE …/{id} removes one. */
export const trusts: PortalOperation = async ({ request, session, services }) => {
  switch (request.method) {
    case "GET":
      return { body: await services.trusts.list(session.tenantId) };
    case "POST":
      return {
        status: 201,
        body: await services.trusts.add(session.tenantId, await jsonBody(request, trustSchema)),
      };
    default:
      await services.trusts.remove(session.tenantId, routeId(request.params, "trust"));
      return { status: 204 };
  }
};
