import { parseArgs } from "node:util";
import { createServices } from "../src/app/services";
import { loadConfig } from "../src/config";
import { StorageUnavailableError } from "../src/store/storageErrors";
import { ensureTables } from "../src/store/tableClients";
import { DEFAULT_ROTATION_GRACE_DAYS, TenantAdminError } from "../src/tenants/tenantAdmin";
import { readDevState } from "./devEnvironment";

const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  create <tenantId>     create a tenant; prints its Tenant URL and a new Secret Token
  list                  list tenants
  rotate <tenantId>     issue a new Secret Token; earlier tokens keep working for --grace-days
  disable <tenantId>    refuse every request of the tenant (its data is kept)
  enable <tenantId>     accept the tenant's tokens again

Options:
  --json                machine-readable output
  --url <base>          SCIM base URL (default: $SCIM_BASE_URL, the running 'npm run dev', or http://127.0.0.1:7071/scim/v2)
  --grace-days <n>      with rotate: days the previous tokens stay valid (default ${DEFAULT_ROTATION_GRACE_DAYS})

Storage: $STORAGE_CONNECTION_STRING or $STORAGE_TABLE_ENDPOINT (Azure, your az login), else the running 'npm run dev'.`;

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

async function run(argv: readonly string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      url: { type: "string" },
      "grace-days": { type: "string" },
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
