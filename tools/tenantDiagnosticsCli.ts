import { randomBytes } from "node:crypto";
import { purgeExpired } from "../src/diagnostics/retention";
import { parseSince } from "../src/diagnostics/since";
import type { TenantSummary } from "../src/diagnostics/summary";
import type { AuditRecord } from "../src/service/audit";
import { hashToken } from "../src/tenants/tokens";
import { result, usageError, type CliCommand } from "./cliCommand";

const DEFAULT_AUDIT_LIMIT = 50;
const MAX_AUDIT_LIMIT = 1000;

function describe(record: AuditRecord): string {
  const changes = record.changes
    .map(
      (change) =>
        `${change.attribute}: ${JSON.stringify(change.before ?? null)} → ${JSON.stringify(change.after ?? null)}`,
    )
    .join("; ");
  const who = [record.credentialId, record.correlationId].filter(Boolean).join(" ");
  return `${record.time}  ${record.operation.padEnd(17)} ${record.resourceType} ${record.resourceId}  ${changes}${who ? `  [${who}]` : ""}`;
}

function describeSummary(summary: TenantSummary): string {
  const period = (name: string, p: TenantSummary["lastHour"]) =>
    `${name}: ${p.requests} requests, ${p.failures} failures ${JSON.stringify(p.byStatus)}`;
  return [
    `Tenant ${summary.tenantId}: ${summary.outlook.status}`,
    ...summary.outlook.reasons.map((reason) => `  - ${reason}`),
    period("Last hour", summary.lastHour),
    period("Last day ", summary.lastDay),
    `Last success: ${summary.lastSuccess ?? "none"}`,
    `Last failure: ${summary.lastFailure ? `${summary.lastFailure.time} ${summary.lastFailure.status} ${summary.lastFailure.scimType ?? ""} ${summary.lastFailure.detail ?? ""}` : "none"}`,
  ].join("\n");
}

function sinceOption(raw: string | undefined): Date | undefined {
  try {
    return parseSince(raw, new Date());
  } catch {
    throw usageError("--since must be an ISO time or a span like 30m, 2h, 7d.", "audit");
  }
}

const audit: CliCommand = {
  name: "audit",
  summary: "the tenant's audit trail, newest first",
  usage: `npm run tenant -- audit <tenantId> [--since 2h|7d|<ISO time>] [--user <resource id>] [--limit 50] [--json]

The tenant's audit trail, newest first (at most --limit records, up to 1000).
--json: {"records":[{"time","operation","resourceType","resourceId","changes":[{"attribute","before"?,"after"?}],
  "credentialId"?,"correlationId"?}],"next"?}`,
  options: { since: { type: "string" }, user: { type: "string" }, limit: { type: "string" } },
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const since = sinceOption(args.string("since"));
    // More than the maximum is the maximum, as it always was; nonsense is a usage error.
    const limit = Math.min(args.number("limit", DEFAULT_AUDIT_LIMIT), MAX_AUDIT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1)
      throw usageError(`--limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}.`, "audit");
    const user = args.string("user");
    const page = await (
      await context.tenantServices(tenantId)
    ).auditLog.list(tenantId, {
      limit,
      ...(since ? { since } : {}),
      ...(user ? { resourceId: user } : {}),
    });
    return result(
      page,
      page.records.length === 0 ? "No audit records." : page.records.map(describe).join("\n"),
    );
  },
};

const summary: CliCommand = {
  name: "summary",
  summary: "requests and failures of the last hour and day, and the quarantine outlook",
  usage: `npm run tenant -- summary <tenantId> [--json]

Requests and failures of the last hour and day, the last success and failure, and whether the
tenant is heading for Entra's quarantine.
--json: {"tenantId","lastHour":{"requests","failures","byStatus"},"lastDay":{…},"lastSuccess"?,
  "lastFailure"?:{"time","status","scimType"?,"detail"?},"outlook":{"status","reasons":[…]}}`,
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const stats = await (await context.tenantServices(tenantId)).requestStats.summary(tenantId);
    return result(stats, describeSummary(stats));
  },
};

const debug: CliCommand = {
  name: "debug",
  summary: "log the tenant's request and response bodies (secrets masked) for --minutes; --off stops it",
  usage: `npm run tenant -- debug <tenantId> [--minutes 30 | --off] [--json]

Logs the tenant's request and response bodies (secrets masked) for --minutes (1-1440, default 30);
each instance notices within 30 s. --off stops it.
--json: {"tenantId","debugUntil":<ISO time>|null}`,
  options: { minutes: { type: "string" }, off: { type: "boolean" } },
  async run(args, context) {
    const tenantId = args.required(0, "a tenant id");
    const minutes = args.number("minutes", 30);
    const off = args.flag("off");
    if (!off && (minutes <= 0 || minutes > 24 * 60))
      throw usageError("--minutes must be between 1 and 1440.", "debug");
    const until = off ? undefined : new Date(Date.now() + minutes * 60_000);
    await (await context.tenantServices(tenantId)).tenants.setDebugUntil(tenantId, until);
    return result(
      { tenantId, debugUntil: until?.toISOString() ?? null },
      until
        ? `Bodies of '${tenantId}' are logged (secrets masked) until ${until.toISOString()}; each instance notices within 30 s.`
        : `Body logging of '${tenantId}' is off.`,
    );
  },
};

const adminToken: CliCommand = {
  name: "admin-token",
  summary: "a new token for the operator endpoints (/ops/...); set ADMIN_TOKEN_SHA256 to the hash it prints",
  usage: `npm run tenant -- admin-token [--json]

A new token for the operator endpoints (/ops/...) (needs no storage). Set ADMIN_TOKEN_SHA256 in the app's
settings to the hash printed; send the token as 'Authorization: Bearer <token>'.
--json: {"token","sha256"}`,
  run() {
    const token = `scimadm_${randomBytes(32).toString("base64url")}`;
    const sha256 = hashToken(token);
    return Promise.resolve(
      result(
        { token, sha256 },
        `Admin token:        ${token}\nADMIN_TOKEN_SHA256: ${sha256}\n\nSet ADMIN_TOKEN_SHA256 in the app's settings; send the token as 'Authorization: Bearer <token>'.`,
      ),
    );
  },
};

const purgeAudit: CliCommand = {
  name: "purge-audit",
  summary: "delete audit records older than AUDIT_RETENTION_DAYS now (the app does this hourly)",
  usage: `npm run tenant -- purge-audit [--json]

Deletes every tenant's audit records older than AUDIT_RETENTION_DAYS now (the app does it hourly).
--json: {"purged":<count>}`,
  async run(_args, context) {
    const current = await context.services();
    const days = current.config.AUDIT_RETENTION_DAYS;
    const purged = await purgeExpired(
      current.tenants,
      current.auditLog,
      current.statsStore,
      days,
      new Date(),
    );
    return result({ purged }, `Deleted ${purged} audit records older than ${days} days.`);
  },
};

/** The diagnostics commands of the tenant CLI: audit, summary, debug mode, admin token, retention. */
export const DIAGNOSTICS_COMMANDS: readonly CliCommand[] = [audit, summary, debug, adminToken, purgeAudit];
