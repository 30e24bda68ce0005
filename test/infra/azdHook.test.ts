import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const HOOK = join(ROOT, "tools", "azd", "first-tenant.sh");

const DEPLOYED = {
  STORAGE_TABLE_ENDPOINT: "https://stabc.table.core.windows.net/",
  TENANTS_TABLE: "scimTenants",
  RESOURCES_TABLE: "scimResources",
  KEY_VAULT_URI: "https://kv-abc.vault.azure.net/",
  SCIM_BASE_URL: "https://func-api-abc.azurewebsites.net/scim/v2",
};

interface NpmCall {
  args: string[];
  env: Record<string, string | null>;
}

/**
 * Runs the postdeploy hook with POSIX sh and stand-ins for `azd` and `npm` first on PATH: azd prints the
 * given environment values; npm records its arguments and environment, answers `list --json` with the
 * given tenants and `create` with a Tenant URL, and refuses its first `failures` calls (as storage does
 * while role assignments are still applying).
 */
function runHook(options: {
  values?: Record<string, string>;
  tenants?: { tenantId: string }[];
  env?: Record<string, string>;
  failures?: number;
}) {
  const dir = mkdtempSync(join(tmpdir(), "azd-hook-"));
  try {
    const log = join(dir, "npm.log");
    const values = Object.entries(options.values ?? DEPLOYED)
      .map(([key, value]) => `${key}="${value}"`)
      .join("\n");
    writeFileSync(join(dir, "values.env"), `AZURE_ENV_NAME="dev"\n${values}\n`);
    writeFileSync(join(dir, "tenants.json"), JSON.stringify(options.tenants ?? []));
    writeFileSync(join(dir, "failures"), String(options.failures ?? 0));
    const azd = join(dir, "azd");
    writeFileSync(
      azd,
      `#!/bin/sh\n[ "$1 $2" = "env get-values" ] || { echo "unexpected azd $*" >&2; exit 2; }\ncat "${dir}/values.env"\n`,
    );
    const npm = join(dir, "npm");
    writeFileSync(
      npm,
      `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
const keys = ["STORAGE_TABLE_ENDPOINT", "TENANTS_TABLE", "RESOURCES_TABLE", "KEY_VAULT_URI", "SCIM_BASE_URL", "STORAGE_CONNECTION_STRING"];
const env = Object.fromEntries(keys.map((key) => [key, process.env[key] ?? null]));
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, env }) + "\\n");
const failuresFile = ${JSON.stringify(join(dir, "failures"))};
const failures = Number(fs.readFileSync(failuresFile, "utf8"));
if (failures > 0) {
  fs.writeFileSync(failuresFile, String(failures - 1));
  console.error("Storage is not reachable");
  process.exit(1);
}
const command = args.slice(args.indexOf("--") + 1);
if (command[0] === "list") console.log(fs.readFileSync(${JSON.stringify(join(dir, "tenants.json"))}, "utf8"));
else if (command[0] === "create") console.log("Tenant URL:   " + process.env.SCIM_BASE_URL + "/" + command[1] + "\\nSecret Token: fake-token");
else process.exit(3);
`,
    );
    chmodSync(azd, 0o755);
    chmodSync(npm, 0o755);
    const result = spawnSync("sh", [HOOK], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        HOME: dir,
        SCIM_HOOK_RETRY_SECONDS: "0",
        STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
        ...options.env,
      },
    });
    const calls: NpmCall[] = existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as NpmCall)
      : [];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("azd postdeploy hook (tools/azd/first-tenant.sh)", () => {
  it("is the postdeploy hook in azure.yaml, run with sh", () => {
    const yaml = readFileSync(join(ROOT, "azure.yaml"), "utf8");
    expect(yaml).toMatch(
      /^hooks:\n(?:\s+#.*\n)*\s+postdeploy:\n\s+posix:\n\s+shell: sh\n\s+run: \.\/tools\/azd\/first-tenant\.sh$/m,
    );
  });

  it("creates the tenant 'default' against the deployed storage and vault, and prints its credentials", () => {
    const { status, stdout, calls } = runHook({});
    expect(status).toBe(0);
    expect(calls.map((call) => call.args)).toEqual([
      ["run", "--silent", "tenant", "--", "list", "--json"],
      ["run", "--silent", "tenant", "--", "create", "default"],
    ]);
    for (const call of calls) expect(call.env).toEqual({ ...DEPLOYED, STORAGE_CONNECTION_STRING: null });
    expect(stdout).toContain(`Tenant URL:   ${DEPLOYED.SCIM_BASE_URL}/default`);
    expect(stdout).toContain("Secret Token: fake-token");
  });

  it("keeps an existing tenant: no create, the Tenant URL and how to get a new token", () => {
    const { status, stdout, calls } = runHook({ tenants: [{ tenantId: "other" }, { tenantId: "default" }] });
    expect(status).toBe(0);
    expect(calls.map((call) => call.args.slice(4))).toEqual([["list", "--json"]]);
    expect(stdout).toContain("Tenant 'default' already exists.");
    expect(stdout).toContain(`Tenant URL:   ${DEPLOYED.SCIM_BASE_URL}/default`);
    expect(stdout).toContain("npm run tenant:azure -- rotate default");
  });

  it("takes the name from SCIM_FIRST_TENANT, in the shell or in the azd environment", () => {
    expect(
      runHook({ env: { SCIM_FIRST_TENANT: "contoso" } })
        .calls.at(-1)
        ?.args.slice(4),
    ).toEqual(["create", "contoso"]);
    const fromAzd = runHook({ values: { ...DEPLOYED, SCIM_FIRST_TENANT: "fabrikam" } });
    expect(fromAzd.calls.at(-1)?.args.slice(4)).toEqual(["create", "fabrikam"]);
  });

  it("refuses a name that is not a tenant id, before calling anything", () => {
    const { status, stderr, calls } = runHook({ env: { SCIM_FIRST_TENANT: "bad/name" } });
    expect(status).toBe(1);
    expect(stderr).toContain("is not a tenant id");
    expect(calls).toEqual([]);
  });

  it("retries while storage refuses (role assignments still applying), then creates", () => {
    const { status, calls, stderr } = runHook({ failures: 2 });
    expect(status).toBe(0);
    expect(calls.map((call) => call.args.slice(4)[0])).toEqual(["list", "list", "list", "create"]);
    expect(stderr).toContain("retrying");
  });

  it("gives up after SCIM_HOOK_ATTEMPTS and says what to run", () => {
    const { status, calls, stderr } = runHook({ failures: 10, env: { SCIM_HOOK_ATTEMPTS: "3" } });
    expect(status).toBe(1);
    expect(calls).toHaveLength(3);
    expect(stderr).toContain("npm run tenant:azure -- create default");
  });

  it("stops with a clear message when the environment was not provisioned", () => {
    const { status, stderr, calls } = runHook({
      values: { TENANTS_TABLE: "scimTenants" },
      env: { SCIM_HOOK_ATTEMPTS: "1" },
    });
    expect(status).toBe(1);
    expect(stderr).toContain("has no STORAGE_TABLE_ENDPOINT RESOURCES_TABLE KEY_VAULT_URI SCIM_BASE_URL");
    expect(calls).toEqual([]);
  });
});
