import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const ROOT = join(__dirname, "..", "..", "..");

export const DEPLOYED = {
  STORAGE_TABLE_ENDPOINT: "https://stabc.table.core.windows.net/",
  TENANTS_TABLE: "scimTenants",
  RESOURCES_TABLE: "scimResources",
  KEY_VAULT_URI: "https://kv-abc.vault.azure.net/",
  SCIM_BASE_URL: "https://func-api-abc.azurewebsites.net/scim/v2",
};

interface CliCall {
  args: string[];
  env: Record<string, string | null>;
}

export interface AzdRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Calls of the tenant CLI, in order. */
  calls: CliCall[];
}

const RECORDED = [...Object.keys(DEPLOYED), "STORAGE_CONNECTION_STRING", "AZURE_TOKEN_CREDENTIALS"];

/**
 * Runs a tools/azd script as azd would: compiled (esbuild, as `npm run build` compiles it with tsc) to
 * <dir>/azd/<name>.js, with a stand-in `azd` first on PATH that answers `env get-values --output json`
 * with the given values, and a stand-in tenant CLI at <dir>/tenantCli.js (where the script looks for the
 * compiled CLI) that records each call, answers `list --json` with the given tenants and `create` with
 * a Tenant URL and token, and refuses its first `failures` calls (as storage does while role assignments
 * are still applying). The environment is only what is given (no CI variables leak in from the runner).
 */
export function runAzdScript(
  script: "firstTenant" | "tenantAzure",
  options: {
    values?: Record<string, string>;
    azdFails?: boolean;
    tenants?: { tenantId: string }[];
    env?: Record<string, string>;
    failures?: number;
    args?: string[];
  } = {},
): AzdRun {
  const dir = mkdtempSync(join(tmpdir(), "azd-script-"));
  try {
    mkdirSync(join(dir, "azd"));
    buildSync({
      entryPoints: [join(ROOT, "tools", "azd", `${script}.ts`)],
      bundle: true,
      platform: "node",
      target: "node20",
      outfile: join(dir, "azd", `${script}.js`),
      logLevel: "error",
    });
    const log = join(dir, "cli.log");
    const values = { AZURE_ENV_NAME: "dev", ...(options.values ?? DEPLOYED) };
    writeFileSync(join(dir, "values.json"), JSON.stringify(values));
    writeFileSync(join(dir, "tenants.json"), JSON.stringify(options.tenants ?? []));
    writeFileSync(join(dir, "failures"), String(options.failures ?? 0));
    const azd = join(dir, "bin", "azd");
    mkdirSync(join(dir, "bin"));
    writeFileSync(
      azd,
      options.azdFails
        ? `#!/bin/sh\necho "ERROR: no project exists" >&2\nexit 1\n`
        : `#!/bin/sh\n[ "$*" = "env get-values --output json" ] || { echo "unexpected azd $*" >&2; exit 2; }\ncat "${dir}/values.json"\n`,
    );
    chmodSync(azd, 0o755);
    writeFileSync(
      join(dir, "tenantCli.js"),
      `const fs = require("fs");
const args = process.argv.slice(2);
const env = Object.fromEntries(${JSON.stringify(RECORDED)}.map((key) => [key, process.env[key] ?? null]));
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, env }) + "\\n");
const failuresFile = ${JSON.stringify(join(dir, "failures"))};
const failures = Number(fs.readFileSync(failuresFile, "utf8"));
if (failures > 0) {
  fs.writeFileSync(failuresFile, String(failures - 1));
  console.error("Storage is not reachable");
  process.exit(1);
}
const url = process.env.SCIM_BASE_URL + "/" + args[1];
if (args[0] === "list") console.log(fs.readFileSync(${JSON.stringify(join(dir, "tenants.json"))}, "utf8"));
else if (args[0] === "create" && args.includes("--json")) console.log(JSON.stringify({ tenantId: args[1], tenantUrl: url, token: "scim_fake-token" }));
else if (args[0] === "create") console.log("Tenant URL:   " + url + "\\nSecret Token: scim_fake-token");
else process.exit(3);
`,
    );
    const result = spawnSync(process.execPath, [join(dir, "azd", `${script}.js`), ...(options.args ?? [])], {
      encoding: "utf8",
      env: {
        PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`,
        HOME: dir,
        SCIM_HOOK_RETRY_SECONDS: "0",
        STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
        ...options.env,
      },
    });
    const calls: CliCall[] = existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as CliCall)
      : [];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
