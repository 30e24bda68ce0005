import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config";
import { openTables } from "../../src/store";
import { toCliError } from "../cliErrors";
import { findRunningConnector } from "../runningConnector";
import { storageConfigured } from "../tenantContext";
import { checkAllTenants, checkTenant, formatFinding, type TenantReport } from "./checker";

const USAGE = `Usage: npm run check-consistency -- <tenantId | --all> [--json]

Scans the tenant's partition (or every partition) of the resources table and reports orphan, stale
or missing index rows, memberships without a resource at either end or without their other
direction, unreadable rows, leftover tombstones, memberships of a resource marked as having none,
and kept counts that disagree with the resources. Exits 1 when anything is found, 2 on a usage or
storage error.

Storage: $STORAGE_CONNECTION_STRING or $STORAGE_TABLE_ENDPOINT (Azure, your az login), else the running
'npm run dev'. Run it on a quiet tenant: a write in flight can show up as a finding (run it again).`;

class UsageError extends Error {}

async function storageEnvironment(): Promise<NodeJS.ProcessEnv> {
  if (storageConfigured(process.env)) return process.env;
  const running = await findRunningConnector();
  return { ...process.env, STORAGE_CONNECTION_STRING: running.storageConnectionString };
}

function text(reports: readonly TenantReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `${report.tenantId}: ${report.users} users, ${report.groups} groups, ${report.indexRows} index rows, ` +
        `${report.memberships} memberships: ${report.findings.length === 0 ? "consistent" : `${report.findings.length} finding(s)`}`,
    );
    for (const finding of report.findings) lines.push(`  ${formatFinding(finding)}`);
  }
  if (reports.length === 0) lines.push("No rows found.");
  return lines.join("\n");
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const tenantId = positionals[0];
  if (values.all === (tenantId !== undefined) || positionals.length > 1) throw new UsageError(USAGE);
  const { resources } = openTables(loadConfig(await storageEnvironment()));
  const reports =
    tenantId === undefined ? await checkAllTenants(resources) : [await checkTenant(resources, tenantId)];
  const findings = reports.reduce((sum, report) => sum + report.findings.length, 0);
  console.log(values.json ? JSON.stringify({ findings, tenants: reports }, null, 2) : text(reports));
  return findings === 0 ? 0 : 1;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One line naming the cause and the fix, as the tenant CLI prints it (the SDK's object never).
    if (error instanceof UsageError || error instanceof TypeError) console.error(error.message);
    else console.error(toCliError(error).line);
    process.exitCode = 2;
  },
);
