import { parseArgs } from "node:util";
import type { AppKeyAdmin } from "../src/tenants/appKeys";
import { TenantAdminError } from "../src/tenants/tenantAdmin";
import { textCommand } from "./cliCommand";

const APP_KEY_USAGE = `Application keys (the directory read API and event feed; never SCIM):
  app-key create <tenantId> [--name label]
                        a new key that reads this tenant's directory and events; shown once
  app-key list <tenantId>
                        the tenant's keys (ids, labels, created, status; never the keys)
  app-key revoke <tenantId> <keyId>
                        end a key (running instances stop accepting it within the auth cache TTL)`;

export interface AppKeyCommandContext {
  readonly appKeys: AppKeyAdmin;
  /** Where the app API is served, e.g. http://127.0.0.1:7071 */
  readonly origin: string;
}

function fail(message: string): never {
  throw new TenantAdminError(`${message}\n\n${APP_KEY_USAGE}`);
}

/** `npm run tenant -- app-key create|list|revoke <tenantId> …` */
export async function appKeyCommand(argv: readonly string[], context: AppKeyCommandContext): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      name: { type: "string" },
      verbose: { type: "boolean" },
      url: { type: "string" },
    },
  });
  const [action, tenantId, keyId] = positionals;
  if (tenantId === undefined) fail(`'app-key ${action ?? ""}' needs a tenant id.`);
  const api = `${context.origin}/api/v1/tenants/${tenantId}`;
  switch (action) {
    case "create": {
      const created = await context.appKeys.create(tenantId, values.name);
      if (values.json) return JSON.stringify({ tenantId, apiUrl: api, ...created });
      return [
        `API URL: ${api}`,
        `Key id:  ${created.keyId}`,
        `App key: ${created.appKey}`,
        "",
        "The key is shown only now. Try it:",
        `  curl -H "Authorization: Bearer $APP_KEY" ${api}/users`,
        `  curl -H "Authorization: Bearer $APP_KEY" '${api}/events?limit=10'`,
      ].join("\n");
    }
    case "list": {
      const keys = await context.appKeys.list(tenantId);
      if (values.json) return JSON.stringify(keys);
      if (keys.length === 0) return "(none)";
      return keys
        .map((key) => `${key.keyId}\t${key.status}\tcreated ${key.created}\t${key.name ?? ""}`.trimEnd())
        .join("\n");
    }
    case "revoke": {
      if (keyId === undefined) fail("'app-key revoke' needs a key id.");
      await context.appKeys.revoke(tenantId, keyId);
      return values.json
        ? JSON.stringify({ tenantId, keyId, status: "revoked" })
        : `App key '${keyId}' of tenant '${tenantId}' revoked.`;
    }
    default:
      return fail(`Unknown app-key command '${action ?? ""}'.`);
  }
}

/** `app-key …` as a command of the tenant CLI. */
export const appKeyCliCommand = textCommand({
  name: "app-key",
  summary: "application keys for the read API and event feed: app-key create|list|revoke <tenantId>",
  usage: APP_KEY_USAGE,
  run: async (argv, context) =>
    appKeyCommand(argv, {
      appKeys: (await context.services()).appKeys,
      origin: new URL(await context.scimBaseUrl()).origin,
    }),
});
