import { DEFAULT_ROTATION_GRACE_DAYS, type CredentialSummary } from "../src/tenants/tenantAdmin";
import { result, usageError, type CliCommand, type CliContext } from "./cliCommand";

/** Tokens and clients as the CLI lists them: one line each, never a secret. */
export function credentialLines(items: readonly CredentialSummary[]): string {
  if (items.length === 0) return "(none)";
  return items
    .map(
      (item) => `${item.id}\t${item.status}\tcreated ${item.created}\texpires ${item.expiresAt ?? "never"}`,
    )
    .join("\n");
}

async function credentialResult(context: CliContext, tenantId: string, token: string) {
  const tenantUrl = `${await context.scimBaseUrl()}/${tenantId}`;
  return result(
    { tenantId, tenantUrl, token },
    `Tenant URL:   ${tenantUrl}\nSecret Token: ${token}\n\nPaste both into Entra > Provisioning > Admin Credentials, then Test Connection.`,
  );
}

const create: CliCommand = {
  name: "create",
  summary: "create a tenant; prints its Tenant URL and a new Secret Token",
  usage: `npm run tenant -- create <tenantId> [--url <SCIM base URL>] [--json]

Creates the tenant and prints its Tenant URL and first Secret Token (shown only now).
Tenant ids: 1-63 letters, digits, '-' or '_', starting with a letter or digit.
--json: {"tenantId","tenantUrl","token"}`,
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const token = await (await context.services()).tenants.create(tenantId);
    return credentialResult(context, tenantId, token);
  },
};

const list: CliCommand = {
  name: "list",
  summary: "list tenants",
  usage: `npm run tenant -- list [--json]

One line per tenant: id, status (active|disabled), created.
--json: [{"tenantId","status","created","debugUntil"?}]`,
  async run(_args, context) {
    const tenants = await (await context.services()).tenants.list();
    const text =
      tenants.length === 0
        ? "(no tenants)"
        : tenants.map((tenant) => `${tenant.tenantId}\t${tenant.status}\t${tenant.created}`).join("\n");
    return result(tenants, text);
  },
};

const rotate: CliCommand = {
  name: "rotate",
  summary: "issue a new Secret Token; earlier tokens keep working for --grace-days",
  usage: `npm run tenant -- rotate <tenantId> [--grace-days ${DEFAULT_ROTATION_GRACE_DAYS}] [--json]

Issues a new Secret Token. The earlier tokens keep working for --grace-days (default
${DEFAULT_ROTATION_GRACE_DAYS}), so Entra can be updated; 0 ends them at once (a leaked token).
--json: {"tenantId","tenantUrl","token"}`,
  options: { "grace-days": { type: "string" } },
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const grace = args.number("grace-days", DEFAULT_ROTATION_GRACE_DAYS);
    if (grace < 0) throw usageError("--grace-days must be 0 or more days.", "rotate");
    const token = await (await context.services()).tenants.rotate(tenantId, grace);
    return credentialResult(context, tenantId, token);
  },
};

const tokens: CliCommand = {
  name: "tokens",
  summary: "list the tenant's Secret Tokens (ids, created, expiry; never the tokens)",
  usage: `npm run tenant -- tokens <tenantId> [--json]

--json: [{"id","status":"active|expiring|expired","created","expiresAt"?}]`,
  async run(args, context) {
    const items = await (await context.services()).tenants.tokens(args.required(0, "a tenant id"));
    return result(items, credentialLines(items));
  },
};

const revoke: CliCommand = {
  name: "revoke",
  summary: "end a token at once; without a token id, every token but the newest",
  usage: `npm run tenant -- revoke <tenantId> [tokenId] [--json]

Ends the token named at once; without an id, every token but the newest (ends a rotation's grace
period). For a leaked current token: rotate --grace-days 0.
--json: {"tenantId","revoked":[token ids]}`,
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const revoked = await (await context.services()).tenants.revokeTokens(tenantId, args.positionals[1]);
    const text =
      revoked.length === 0
        ? `Tenant '${tenantId}' has no previous tokens to revoke.`
        : `Revoked ${revoked.join(", ")}. Other instances stop accepting them within the auth cache TTL.`;
    return result({ tenantId, revoked }, text);
  },
};

function statusCommand(name: "disable" | "enable", summary: string): CliCommand {
  const status = name === "disable" ? "disabled" : "active";
  return {
    name,
    summary,
    usage: `npm run tenant -- ${name} <tenantId> [--json]

${summary}.
--json: {"tenantId","status":"${status}"}`,
    async run(args, context) {
      const tenantId = args.required(0, "a tenant id");
      const admin = (await context.services()).tenants;
      await (name === "disable" ? admin.disable(tenantId) : admin.enable(tenantId));
      return result({ tenantId, status }, `Tenant '${tenantId}' ${name}d.`);
    },
  };
}

export const TENANT_COMMANDS: readonly CliCommand[] = [
  create,
  list,
  rotate,
  tokens,
  revoke,
  statusCommand("disable", "refuse every request of the tenant, all credentials (its data is kept)"),
  statusCommand("enable", "accept the tenant's credentials again"),
];
