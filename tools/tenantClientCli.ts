import { DEFAULT_CLIENT_SECRET_YEARS } from "../src/tenants/tenantAdmin";
import { result, usageError, type CliCommand } from "./cliCommand";
import { credentialLines } from "./tenantCommands";

/** `client create|list|revoke`: OAuth client credentials, the alternative to a Secret Token. */
export const clientCommand: CliCommand = {
  name: "client",
  summary: "OAuth client secrets: client create|list|revoke <tenantId>",
  usage: `npm run tenant -- client create <tenantId> [--years ${DEFAULT_CLIENT_SECRET_YEARS}] [--json]
                        a new OAuth client id and secret (expires in 1-3 years, default ${DEFAULT_CLIENT_SECRET_YEARS});
                        the secret is shown only now
                        --json: {"tenantId","tenantUrl","tokenEndpoint","clientId","clientSecret","expiresAt"}
npm run tenant -- client list <tenantId> [--json]
                        --json: [{"id","status":"active|expired|revoked","created","expiresAt"}]
npm run tenant -- client revoke <tenantId> <clientId> [--json]
                        ends the client secret and the access tokens issued to it
                        --json: {"tenantId","clientId","status":"revoked"}`,
  options: { years: { type: "string" } },
  async run(args, context) {
    const action = args.required(0, "an action: create, list or revoke");
    if (!["create", "list", "revoke"].includes(action))
      throw usageError(`Unknown client action '${action}'.`, "client");
    const tenantId = args.required(1, "a tenant id");
    const admin = (await context.services()).tenants;
    switch (action) {
      case "create": {
        const client = await admin.createClient(tenantId, args.number("years", DEFAULT_CLIENT_SECRET_YEARS));
        const tenantUrl = `${await context.scimBaseUrl()}/${tenantId}`;
        const tokenEndpoint = `${tenantUrl}/oauth/token`;
        return result(
          { tenantId, tenantUrl, tokenEndpoint, ...client },
          [
            `Tenant URL:        ${tenantUrl}`,
            `Token Endpoint:    ${tokenEndpoint}`,
            `Client Identifier: ${client.clientId}`,
            `Client Secret:     ${client.clientSecret}`,
            `Secret expires:    ${client.expiresAt}`,
            "",
            "In Entra > Provisioning > Admin Credentials choose 'OAuth2 client credentials grant', paste the four",
            "values, then Test Connection. The secret is shown only now.",
          ].join("\n"),
        );
      }
      case "list": {
        const items = await admin.clients(tenantId);
        return result(items, credentialLines(items));
      }
      case "revoke": {
        const clientId = args.required(2, "a client id");
        await admin.revokeClient(tenantId, clientId);
        return result(
          { tenantId, clientId, status: "revoked" },
          `Client '${clientId}' of tenant '${tenantId}' revoked.`,
        );
      }
    }
    throw usageError(`Unknown client action '${action}'.`, "client");
  },
};
