import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEPLOYED, runAzdScript } from "./azdHarness";

const ROOT = join(__dirname, "..", "..", "..");
/** What the tenant CLI must get: the deployed values, azd's own login, no Azurite connection string. */
const CLI_ENV = {
  ...DEPLOYED,
  STORAGE_CONNECTION_STRING: null,
  AZURE_TOKEN_CREDENTIALS: "AzureDeveloperCliCredential",
};

describe("azd postdeploy hook (tools/azd/firstTenant.ts)", () => {
  it("is the postdeploy hook for Linux/macOS and Windows alike, running the compiled script", () => {
    const yaml = readFileSync(join(ROOT, "azure.yaml"), "utf8");
    const hook = /^ {2}postdeploy:\n((?: {4}.*\n)+)/m.exec(yaml)?.[1] ?? "";
    const entries = [...hook.matchAll(/^ {4}(\w+):\n {6}shell: (\w+)\n {6}run: (.+)$/gm)].map(
      ([, os, shell, run]) => ({ os, shell, run }),
    );
    expect(entries).toEqual([
      { os: "posix", shell: "sh", run: "node tools/launch.js tools/azd/firstTenant" },
      { os: "windows", shell: "pwsh", run: "node tools/launch.js tools/azd/firstTenant" },
    ]);
  });

  it("creates the tenant 'default' against the deployed storage and vault, and prints its credentials", () => {
    const { status, stdout, calls } = runAzdScript("firstTenant");
    expect(status).toBe(0);
    expect(calls.map((call) => call.args)).toEqual([
      ["list", "--json"],
      ["create", "default"],
    ]);
    for (const call of calls) expect(call.env).toEqual(CLI_ENV);
    expect(stdout).toContain(`Tenant URL:   ${DEPLOYED.SCIM_BASE_URL}/default`);
    expect(stdout).toContain("Secret Token: scim_fake-token");
  });

  it("keeps a credential choice the operator made", () => {
    const { calls } = runAzdScript("firstTenant", { env: { AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" } });
    expect(calls[0]?.env.AZURE_TOKEN_CREDENTIALS).toBe("AzureCliCredential");
  });

  it.each([
    ["CI=true", { env: { CI: "true" } }, "CI is set"],
    ["TF_BUILD (Azure Pipelines)", { env: { TF_BUILD: "True" } }, "TF_BUILD is set"],
    [
      "azd signed in as a service principal",
      { values: { ...DEPLOYED, AZURE_PRINCIPAL_TYPE: "ServicePrincipal" } },
      "azd is signed in as a service principal",
    ],
  ])(
    "unattended (%s): creates the tenant but never prints its token, and says how to get one",
    (_case, options, reason) => {
      const { status, stdout, stderr, calls } = runAzdScript("firstTenant", options);
      expect(status).toBe(0);
      expect(calls.map((call) => call.args)).toEqual([
        ["list", "--json"],
        ["create", "default", "--json"],
      ]);
      expect(stdout + stderr).not.toContain("scim_fake-token");
      expect(stdout).toContain(`Tenant URL:   ${DEPLOYED.SCIM_BASE_URL}/default`);
      expect(stdout).toContain(`Secret Token: not printed (${reason}`);
      expect(stdout).toContain("npm run tenant:azure -- rotate default --grace-days 0");
    },
  );

  it("treats CI=false as attended", () => {
    expect(runAzdScript("firstTenant", { env: { CI: "false" } }).stdout).toContain(
      "Secret Token: scim_fake-token",
    );
  });

  it("keeps an existing tenant: no create, the Tenant URL and how to get a new token", () => {
    const { status, stdout, calls } = runAzdScript("firstTenant", {
      tenants: [{ tenantId: "other" }, { tenantId: "default" }],
    });
    expect(status).toBe(0);
    expect(calls.map((call) => call.args)).toEqual([["list", "--json"]]);
    expect(stdout).toContain("Tenant 'default' already exists.");
    expect(stdout).toContain(`Tenant URL:   ${DEPLOYED.SCIM_BASE_URL}/default`);
    expect(stdout).toContain("npm run tenant:azure -- rotate default");
  });

  it("takes the name from SCIM_FIRST_TENANT, in the shell or in the azd environment", () => {
    expect(runAzdScript("firstTenant", { env: { SCIM_FIRST_TENANT: "contoso" } }).calls.at(-1)?.args).toEqual(
      ["create", "contoso"],
    );
    const fromAzd = runAzdScript("firstTenant", { values: { ...DEPLOYED, SCIM_FIRST_TENANT: "fabrikam" } });
    expect(fromAzd.calls.at(-1)?.args).toEqual(["create", "fabrikam"]);
  });

  it("refuses a name that is not a tenant id, before calling anything", () => {
    const { status, stderr, calls } = runAzdScript("firstTenant", { env: { SCIM_FIRST_TENANT: "bad/name" } });
    expect(status).toBe(1);
    expect(stderr).toContain("is not a tenant id");
    expect(calls).toEqual([]);
  });

  it("retries while storage refuses (role assignments still applying), then creates", () => {
    const { status, calls, stderr } = runAzdScript("firstTenant", { failures: 2 });
    expect(status).toBe(0);
    expect(calls.map((call) => call.args[0])).toEqual(["list", "list", "list", "create"]);
    expect(stderr).toContain("retrying");
  });

  it("gives up after SCIM_HOOK_ATTEMPTS and says what to run", () => {
    const { status, calls, stderr } = runAzdScript("firstTenant", {
      failures: 10,
      env: { SCIM_HOOK_ATTEMPTS: "3" },
    });
    expect(status).toBe(1);
    expect(calls).toHaveLength(3);
    expect(stderr).toContain("npm run tenant:azure -- create default");
  });

  it("stops with a clear message when the environment was not provisioned, or azd has none", () => {
    const partial = runAzdScript("firstTenant", { values: { TENANTS_TABLE: "scimTenants" } });
    expect(partial.status).toBe(1);
    expect(partial.stderr).toContain(
      "has no STORAGE_TABLE_ENDPOINT RESOURCES_TABLE KEY_VAULT_URI SCIM_BASE_URL: run 'azd provision' first",
    );
    expect(partial.calls).toEqual([]);
    const none = runAzdScript("firstTenant", { azdFails: true });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("'azd env get-values' failed: run 'azd up'");
  });
});
