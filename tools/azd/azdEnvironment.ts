import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * What the tools under tools/azd share: the values `azd up` wrote to its environment, the process
 * environment the tenant CLI needs to reach the deployed storage and vault, and whether the run is
 * unattended (so that no credential is printed into a log).
 */

/** The azd environment values the tenant CLI needs (outputs of infra/main.bicep). */
const DEPLOYED_VALUES = [
  "STORAGE_TABLE_ENDPOINT",
  "TENANTS_TABLE",
  "RESOURCES_TABLE",
  "KEY_VAULT_URI",
  "SCIM_BASE_URL",
] as const;

/** The compiled tenant CLI beside this module's compiled output (dist/tools/tenantCli.js). */
export const TENANT_CLI = join(__dirname, "..", "tenantCli.js");

/** Variables CI systems set; any of them means nobody is watching the output. */
const CI_VARIABLES = [
  "CI",
  "TF_BUILD",
  "GITHUB_ACTIONS",
  "GITLAB_CI",
  "BUILDKITE",
  "CIRCLECI",
  "JENKINS_URL",
  "TEAMCITY_VERSION",
  "CODEBUILD_BUILD_ID",
  "BITBUCKET_BUILD_NUMBER",
];

/** `azd env get-values --output json`, or an error message saying what to run. */
export function readAzdValues(): Record<string, string> | { error: string } {
  const result = spawnSync("azd", ["env", "get-values", "--output", "json"], {
    encoding: "utf8",
    // azd is azd.exe on Windows, found without a shell.
    windowsHide: true,
  });
  if (result.error !== undefined || result.status !== 0) {
    return { error: "'azd env get-values' failed: run 'azd up' (or 'azd env select <name>') first." };
  }
  try {
    return JSON.parse(result.stdout) as Record<string, string>;
  } catch {
    return { error: "'azd env get-values --output json' did not print JSON: update azd." };
  }
}

/**
 * The tenant CLI's environment for the deployed connector: the storage, table, vault and URL values,
 * sign-in pinned to azd's own login (so an `az login` as another account, tried first by
 * DefaultAzureCredential, cannot get in the way), and no local Azurite connection string.
 */
export function deployedEnvironment(
  values: Readonly<Record<string, string>>,
  base: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv } | { missing: string[] } {
  const missing = DEPLOYED_VALUES.filter((name) => (values[name] ?? "") === "");
  if (missing.length > 0) return { missing };
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of DEPLOYED_VALUES) env[name] = values[name];
  env.AZURE_TOKEN_CREDENTIALS = base.AZURE_TOKEN_CREDENTIALS ?? "AzureDeveloperCliCredential";
  delete env.STORAGE_CONNECTION_STRING;
  return { env };
}

/** Why the run is unattended (a CI variable, or azd signed in as a service principal), if it is. */
export function unattendedReason(
  env: NodeJS.ProcessEnv,
  values: Readonly<Record<string, string>>,
): string | undefined {
  const ci = CI_VARIABLES.find((name) => {
    const value = env[name];
    return value !== undefined && value !== "" && value.toLowerCase() !== "false" && value !== "0";
  });
  if (ci !== undefined) return `${ci} is set`;
  if ((env.AZURE_PRINCIPAL_TYPE ?? values.AZURE_PRINCIPAL_TYPE) === "ServicePrincipal")
    return "azd is signed in as a service principal";
  return undefined;
}
