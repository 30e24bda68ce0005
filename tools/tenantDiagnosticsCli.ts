import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { Services } from "../src/app/services";
import { purgeExpired } from "../src/diagnostics/retention";
import { parseSince } from "../src/diagnostics/since";
import type { TenantSummary } from "../src/diagnostics/summary";
import type { AuditRecord } from "../src/service/audit";
import { TenantAdminError } from "../src/tenants/tenantAdmin";
import { hashToken } from "../src/tenants/tokens";

export const DIAGNOSTICS_COMMANDS = ["audit", "summary", "debug", "admin-token", "purge-audit"];

export const DIAGNOSTICS_USAGE = `Diagnostics:
  audit <tenantId>      the tenant's audit trail, newest first
                        [--since 2h|7d|<ISO time>] [--user <resource id>] [--limit 50] [--json]
  summary <tenantId>    requests and failures of the last hour and day, and the quarantine outlook [--json]
  debug <tenantId>      log the tenant's request and response bodies (secrets masked) for --minutes (default 30);
                        --off stops it
  admin-token           a new token for the operator endpoints (/ops/...); set ADMIN_TOKEN_SHA256 to the hash it prints
  purge-audit           delete audit records older than AUDIT_RETENTION_DAYS now (the app does this hourly)`;

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

/** The diagnostics commands of the tenant CLI: audit, summary, debug mode, admin token, retention. */
export async function diagnosticsCommand(argv: readonly string[], services: () => Services): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      since: { type: "string" },
      user: { type: "string" },
      limit: { type: "string" },
      minutes: { type: "string" },
      off: { type: "boolean", default: false },
    },
  });
  const [command, tenantId] = positionals;
  if (command === "admin-token") {
    const token = `scimadm_${randomBytes(32).toString("base64url")}`;
    const sha256 = hashToken(token);
    if (values.json) return JSON.stringify({ token, sha256 });
    return `Admin token:        ${token}\nADMIN_TOKEN_SHA256: ${sha256}\n\nSet ADMIN_TOKEN_SHA256 in the app's settings; send the token as 'Authorization: Bearer <token>'.`;
  }
  const current = services();
  if (command === "purge-audit") {
    const purged = await purgeExpired(
      current.tenants,
      current.auditLog,
      current.statsStore,
      current.config.AUDIT_RETENTION_DAYS,
      new Date(),
    );
    return values.json
      ? JSON.stringify({ purged })
      : `Deleted ${purged} audit records older than ${current.config.AUDIT_RETENTION_DAYS} days.`;
  }
  if (tenantId === undefined || !(await current.tenants.exists(tenantId))) {
    throw new TenantAdminError(
      `'${command ?? ""}' needs the id of an existing tenant.\n\n${DIAGNOSTICS_USAGE}`,
    );
  }
  switch (command) {
    case "audit": {
      const since = parseSince(values.since, new Date());
      const page = await current.auditLog.list(tenantId, {
        limit: Math.min(Number(values.limit ?? 50) || 50, 1000),
        ...(since ? { since } : {}),
        ...(values.user ? { resourceId: values.user } : {}),
      });
      if (values.json) return JSON.stringify(page);
      return page.records.length === 0 ? "No audit records." : page.records.map(describe).join("\n");
    }
    case "summary": {
      const summary = await current.requestStats.summary(tenantId);
      return values.json ? JSON.stringify(summary) : describeSummary(summary);
    }
    case "debug": {
      const minutes = Number(values.minutes ?? 30);
      if (!values.off && (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)) {
        throw new TenantAdminError("--minutes must be between 1 and 1440.");
      }
      const until = values.off ? undefined : new Date(Date.now() + minutes * 60_000);
      await current.tenants.setDebugUntil(tenantId, until);
      return until
        ? `Bodies of '${tenantId}' are logged (secrets masked) until ${until.toISOString()}; each instance notices within 30 s.`
        : `Body logging of '${tenantId}' is off.`;
    }
    default:
      throw new TenantAdminError(`Unknown command '${command ?? ""}'.\n\n${DIAGNOSTICS_USAGE}`);
  }
}
