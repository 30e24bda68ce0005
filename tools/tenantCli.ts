import { parseArgs } from "node:util";
import { createServices } from "../src/app/services";
import { loadConfig } from "../src/config";
import { StorageUnavailableError } from "../src/service/storageUnavailable";
import { ensureTables } from "../src/store/tableClients";
import {
  DEFAULT_CLIENT_SECRET_YEARS,
  DEFAULT_ROTATION_GRACE_DAYS,
  TenantAdminError,
  type CredentialSummary,
  type TenantAdmin,
} from "../src/tenants/tenantAdmin";
import { readDevState } from "./devEnvironment";
import { SCHEMA_USAGE, schemaCommand } from "./tenantSchemaCli";
import { DIAGNOSTICS_COMMANDS, DIAGNOSTICS_USAGE, diagnosticsCommand } from "./tenantDiagnosticsCli";
import { TenantSchemaError } from "../src/scim/schema/tenantSchema";

const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  create <tenantId>     create a tenant; prints its Tenant URL and a new Secret Token
  list                  list tenants
  rotate <tenantId>     issue a new Secret Token; earlier tokens keep working for --grace-days
  tokens <tenantId>     list the tenant's Secret Tokens (ids, created, expiry; never the tokens)
  revoke <tenantId> [tokenId]
                        end a token at once; without an id, end every token but the newest
                        (ends a rotation's grace period; for a leaked token: rotate --grace-days 0)
  disable <tenantId>    refuse every request of the tenant, all credentials (its data is kept)
  enable <tenantId>     accept the tenant's credentials again

  client create <tenantId> [--years n]
                        a new OAuth client id and secret (expires in 1-3 years, default ${DEFAULT_CLIENT_SECRET_YEARS})
  client list <tenantId>
  client revoke <tenantId> <clientId>
                        end the client secret and the access tokens issued to it

${SCHEMA_USAGE}

${DIAGNOSTICS_USAGE}

Options:
  --json                machine-readable output
  --url <base>          SCIM base URL (default: $SCIM_BASE_URL, the running 'npm run dev', or http://127.0.0.1:7071/scim/v2)
  --grace-days <n>      with rotate: days the previous tokens stay valid (default ${DEFAULT_ROTATION_GRACE_DAYS})
  --years <n>           with client create: years until the secret expires (1-3)

Storage: $STORAGE_CONNECTION_STRING or $STORAGE_TABLE_ENDPOINT (Azure, your az login), else the running 'npm run dev'.
Credentials: in the Key Vault at $KEY_VAULT_URI when set (your az login needs Key Vault Secrets Officer),
else in the tenants table.`;

function summaries(items: readonly CredentialSummary[], json: boolean): string {
  if (json) return JSON.stringify(items);
  if (items.length === 0) return "(none)";
  return items
    .map(
      (item) => `${item.id}\t${item.status}\tcreated ${item.created}\texpires ${item.expiresAt ?? "never"}`,
    )
    .join("\n");
}

async function clientCommand(
  admin: TenantAdmin,
  argv: {
    action?: string;
    tenantId?: string;
    clientId?: string;
    years?: string;
    json: boolean;
    baseUrl: string;
  },
): Promise<string> {
  const { action, tenantId, json } = argv;
  if (tenantId === undefined)
    throw new TenantAdminError(`'client ${action ?? ""}' needs a tenant id.\n\n${USAGE}`);
  switch (action) {
    case "create": {
      const years = argv.years === undefined ? DEFAULT_CLIENT_SECRET_YEARS : Number(argv.years);
      const client = await admin.createClient(tenantId, years);
      const tenantUrl = `${argv.baseUrl}/${tenantId}`;
      const tokenEndpoint = `${tenantUrl}/oauth/token`;
      if (json) return JSON.stringify({ tenantId, tenantUrl, tokenEndpoint, ...client });
      return [
        `Tenant URL:        ${tenantUrl}`,
        `Token Endpoint:    ${tokenEndpoint}`,
        `Client Identifier: ${client.clientId}`,
        `Client Secret:     ${client.clientSecret}`,
        `Secret expires:    ${client.expiresAt}`,
        "",
        "In Entra > Provisioning > Admin Credentials choose 'OAuth2 client credentials grant', paste the four",
        "values, then Test Connection. The secret is shown only now.",
      ].join("\n");
    }
    case "list":
      return summaries(await admin.clients(tenantId), json);
    case "revoke": {
      if (argv.clientId === undefined)
        throw new TenantAdminError(`'client revoke' needs a client id.\n\n${USAGE}`);
      await admin.revokeClient(tenantId, argv.clientId);
      return json
        ? JSON.stringify({ tenantId, clientId: argv.clientId, status: "revoked" })
        : `Client '${argv.clientId}' of tenant '${tenantId}' revoked.`;
    }
    default:
      throw new TenantAdminError(`Unknown client command '${action ?? ""}'.\n\n${USAGE}`);
  }
}

function storageEnvironment(): NodeJS.ProcessEnv {
  if (process.env.STORAGE_CONNECTION_STRING || process.env.STORAGE_TABLE_ENDPOINT) return process.env;
  const dev = readDevState();
  if (!dev) {
    throw new TenantAdminError(
      "No storage configured: start 'npm run dev' first, or set STORAGE_CONNECTION_STRING / STORAGE_TABLE_ENDPOINT.",
    );
  }
  return { ...process.env, STORAGE_CONNECTION_STRING: dev.storageConnectionString };
}

function scimBaseUrl(explicit: string | undefined): string {
  const base =
    explicit ?? process.env.SCIM_BASE_URL ?? `${readDevState()?.origin ?? "http://127.0.0.1:7071"}/scim/v2`;
  return base.replace(/\/+$/, "");
}

/** `schema …` has options of its own (tools/tenantSchemaCli.ts). */
async function schema(args: readonly string[]): Promise<string> {
  const services = createServices(loadConfig(storageEnvironment()));
  if (services.config.STORAGE_CONNECTION_STRING !== undefined) await ensureTables(services.tables);
  try {
    return await schemaCommand(args, {
      repository: services.tenantSchemas,
      tenantExists: (id) => services.tenants.exists(id),
    });
  } catch (error) {
    throw error instanceof TenantSchemaError ? new TenantAdminError(error.message) : error;
  }
}

async function run(argv: readonly string[]): Promise<string> {
  if (argv[0] === "schema") return schema(argv.slice(1));
  if (DIAGNOSTICS_COMMANDS.includes(argv[0] ?? "")) {
    return diagnosticsCommand(argv, () => createServices(loadConfig(storageEnvironment())));
  }
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      url: { type: "string" },
      "grace-days": { type: "string" },
      years: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  const [command, tenantId] = positionals;
  if (values.help || command === undefined) return USAGE;
  const services = createServices(loadConfig(storageEnvironment()));
  if (services.config.STORAGE_CONNECTION_STRING !== undefined) await ensureTables(services.tables);
  const admin = services.tenants;
  const needTenant = (): string => {
    if (tenantId === undefined) throw new TenantAdminError(`'${command}' needs a tenant id.\n\n${USAGE}`);
    return tenantId;
  };
  const credentialOutput = (id: string, token: string): string => {
    const tenantUrl = `${scimBaseUrl(values.url)}/${id}`;
    if (values.json) return JSON.stringify({ tenantId: id, tenantUrl, token });
    return `Tenant URL:   ${tenantUrl}\nSecret Token: ${token}\n\nPaste both into Entra > Provisioning > Admin Credentials, then Test Connection.`;
  };
  switch (command) {
    case "create": {
      const id = needTenant();
      return credentialOutput(id, await admin.create(id));
    }
    case "rotate": {
      const id = needTenant();
      const grace =
        values["grace-days"] === undefined ? DEFAULT_ROTATION_GRACE_DAYS : Number(values["grace-days"]);
      if (!Number.isFinite(grace) || grace < 0)
        throw new TenantAdminError("--grace-days must be a number of days.");
      return credentialOutput(id, await admin.rotate(id, grace));
    }
    case "tokens":
      return summaries(await admin.tokens(needTenant()), values.json);
    case "revoke": {
      const id = needTenant();
      const revoked = await admin.revokeTokens(id, positionals[2]);
      if (values.json) return JSON.stringify({ tenantId: id, revoked });
      return revoked.length === 0
        ? `Tenant '${id}' has no previous tokens to revoke.`
        : `Revoked ${revoked.join(", ")}. Other instances stop accepting them within the auth cache TTL.`;
    }
    case "client":
      return clientCommand(admin, {
        action: positionals[1],
        tenantId: positionals[2],
        clientId: positionals[3],
        years: values.years,
        json: values.json,
        baseUrl: scimBaseUrl(values.url),
      });
    case "list": {
      const tenants = await admin.list();
      if (values.json) return JSON.stringify(tenants);
      return tenants.map((tenant) => `${tenant.tenantId}\t${tenant.status}\t${tenant.created}`).join("\n");
    }
    case "disable":
      await admin.disable(needTenant());
      return values.json
        ? JSON.stringify({ tenantId, status: "disabled" })
        : `Tenant '${tenantId}' disabled.`;
    case "enable":
      await admin.enable(needTenant());
      return values.json ? JSON.stringify({ tenantId, status: "active" }) : `Tenant '${tenantId}' enabled.`;
    default:
      throw new TenantAdminError(`Unknown command '${command}'.\n\n${USAGE}`);
  }
}

run(process.argv.slice(2)).then(
  (output) => {
    console.log(output);
  },
  (error: unknown) => {
    if (error instanceof StorageUnavailableError) {
      console.error("Storage is not reachable: is 'npm run dev' running, or are the storage settings right?");
    } else {
      console.error(error instanceof TenantAdminError || error instanceof TypeError ? error.message : error);
    }
    process.exit(1);
  },
);
