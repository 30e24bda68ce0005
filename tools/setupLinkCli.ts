import {
  DEFAULT_SETUP_LINK_HOURS,
  MAX_SETUP_LINK_HOURS,
  type SetupLinkSummary,
} from "../src/tenants/portal/setupLinks";
import { result, usageError, type CliCommand, type CommandArgs, type CliContext } from "./cliCommand";

const USAGE = `Setup links: the customer's admin opens the self-service portal for one tenant.
npm run tenant -- setup-link <tenantId> [--hours ${DEFAULT_SETUP_LINK_HOURS}] [--json]
                        a new one-time link (shown only now); it expires after --hours
                        (at most ${MAX_SETUP_LINK_HOURS}) and starts one portal session when opened
                        --json: {"tenantId","linkId","url","expiresAt"}
npm run tenant -- setup-link list <tenantId> [--json]
                        the tenant's links: id, state (active|used|expired|revoked), created, expiry
                        --json: [{"linkId","created","expiresAt","state","usedAt"?,"revokedAt"?}]
npm run tenant -- setup-link revoke <tenantId> <linkId> [--json]
                        the link no longer opens anything (a session it started is not ended)
Send the link only to the tenant's admin: whoever opens it first manages that tenant's connection.`;

/** `https://host/scim/v2` (or the origin) → `https://host/portal/#link=<secret>`: the secret stays in the fragment. */
export function setupLinkUrl(scimBaseUrl: string, secret: string): string {
  const origin = scimBaseUrl.replace(/\/scim\/v2$/, "");
  return `${origin}/portal/#link=${secret}`;
}

function line(link: SetupLinkSummary): string {
  const when = link.usedAt ?? link.revokedAt ?? link.expiresAt;
  return `${link.linkId}\t${link.state}\tcreated ${link.created}\t${link.state === "active" ? "expires" : "since"} ${when}`;
}

async function create(tenantId: string, args: CommandArgs, context: CliContext) {
  const hours = args.number("hours", DEFAULT_SETUP_LINK_HOURS);
  const services = await context.tenantServices(tenantId);
  const link = await services.setupLinks.create(tenantId, hours);
  const url = setupLinkUrl(await context.scimBaseUrl(), link.secret);
  return result(
    { tenantId, linkId: link.linkId, url, expiresAt: link.expiresAt },
    `Setup link: ${url}\nExpires:    ${link.expiresAt} (one use; shown only now; id ${link.linkId})`,
  );
}

/** `npm run tenant -- setup-link …`: create, list and revoke a tenant's portal setup links. */
export const setupLinkCommand: CliCommand = {
  name: "setup-link",
  summary: "a one-time link into the self-service portal: setup-link <tenantId> | list | revoke",
  usage: USAGE,
  options: { hours: { type: "string" } },
  async run(args, context) {
    const [first, second, third] = args.positionals;
    if (first === undefined) throw usageError("'setup-link' needs a tenant id.", "setup-link");
    switch (first) {
      case "list": {
        if (second === undefined) throw usageError("'setup-link list' needs a tenant id.", "setup-link");
        const links = await (await context.tenantServices(second)).setupLinks.list(second);
        return result(links, links.length === 0 ? "(no setup links)" : links.map(line).join("\n"));
      }
      case "revoke": {
        if (second === undefined || third === undefined) {
          throw usageError("'setup-link revoke' needs a tenant id and a link id.", "setup-link");
        }
        const revoked = await (await context.tenantServices(second)).setupLinks.revoke(second, third);
        return result(revoked, `Setup link '${third}' of tenant '${second}' revoked.`);
      }
      case "create":
        if (second === undefined) throw usageError("'setup-link create' needs a tenant id.", "setup-link");
        return create(second, args, context);
      default:
        return create(first, args, context);
    }
  },
};
