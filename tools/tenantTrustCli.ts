import { parseArgs } from "node:util";
import { TrustError, type FederatedTrust } from "../src/tenants/federation/trusts";
import { CliError, result, usageError, type CliCommand } from "./cliCommand";

const TRUST_USAGE = `Workload identity federation (Entra signs in with an assertion, no client secret):
npm run tenant -- trust add <tenantId> --issuer <iss> --subject <sub> --audience <aud> [--audience <aud> ...]
                        --jwks-uri <url>
                        trust assertions the issuer signs for the subject, for any of the audiences
                        (each compared exactly); prints the trust id, Entra's client id for it
                        --json: {"trustId","issuer","subject","audiences","jwksUri","created"}
npm run tenant -- trust list <tenantId> [--json]
npm run tenant -- trust remove <tenantId> <trustId> [--json]
                        refuse the trust's assertions; tokens issued for it stop working
Running instances see a change within AUTH_CACHE_TTL_SECONDS.`;

const ACTIONS = ["add", "list", "remove"];

function describe(trust: FederatedTrust): string {
  return [
    `Trust ${trust.trustId} (created ${trust.created})`,
    `  issuer:    ${trust.issuer}`,
    `  subject:   ${trust.subject}`,
    `  audiences: ${trust.audiences.join(", ")}`,
    `  JWKS:      ${trust.jwksUri}`,
  ].join("\n");
}

/** `--audience` may be repeated, which the shared option parser does not allow: parsed here. */
function parseTrustArguments(raw: readonly string[]) {
  return parseArgs({
    args: [...raw],
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      verbose: { type: "boolean" },
      url: { type: "string" },
      help: { type: "boolean" },
      issuer: { type: "string" },
      subject: { type: "string" },
      audience: { type: "string", multiple: true },
      "jwks-uri": { type: "string" },
    },
  });
}

/** A trust the operator asked for that cannot be: said as the CLI says every error. */
function asCliError(error: unknown): unknown {
  if (!(error instanceof TrustError)) return error;
  if (/^No trust/.test(error.message)) {
    return new CliError(
      "notFound",
      error.message,
      "'npm run tenant -- trust list <tenantId>' shows the trusts.",
    );
  }
  if (/already exists|at most/.test(error.message)) return new CliError("refused", error.message, "");
  return usageError(error.message, "trust");
}

/** `npm run tenant -- trust …`: a tenant's federated trusts, in its partition of the tenants table. */
export const trustCommand: CliCommand = {
  name: "trust",
  summary: "workload identity federation: trust add|list|remove <tenantId> …",
  usage: TRUST_USAGE,
  parsesOwnArguments: true,
  async run(args, context) {
    const { values, positionals } = parseTrustArguments(args.raw);
    const [action, tenantId, trustId] = positionals;
    if (action === undefined || !ACTIONS.includes(action)) {
      throw usageError(`'trust' needs an action: add, list or remove.`, "trust");
    }
    if (tenantId === undefined) throw usageError(`'trust ${action}' needs a tenant id.`, "trust");
    const admin = (await context.tenantServices(tenantId)).trusts;
    try {
      switch (action) {
        case "add": {
          const { issuer, subject, audience, "jwks-uri": jwksUri } = values;
          if (!issuer || !subject || !audience?.length || !jwksUri) {
            throw usageError(
              "'trust add' needs --issuer, --subject, at least one --audience and --jwks-uri.",
              "trust",
            );
          }
          const trust = await admin.add(tenantId, { issuer, subject, audiences: audience, jwksUri });
          return result(
            trust,
            `${describe(trust)}\n\nIn Entra, use ${trust.trustId} as the client id of this trust.`,
          );
        }
        case "list": {
          const trusts = await admin.list(tenantId);
          return result(trusts, trusts.length === 0 ? "(no trusts)" : trusts.map(describe).join("\n"));
        }
        default: {
          if (trustId === undefined) throw usageError("'trust remove' needs a trust id.", "trust");
          await admin.remove(tenantId, trustId);
          return result(
            { tenantId, trustId, status: "removed" },
            `Trust '${trustId}' of tenant '${tenantId}' removed.`,
          );
        }
      }
    } catch (error) {
      throw asCliError(error);
    }
  },
};
