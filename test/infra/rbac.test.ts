import { readInfra, topLevelBlock } from "./bicepText";

const rbac = readInfra("app", "rbac.bicep");
const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

/** Role assignments as (resource name, principal, role key) from rbac.bicep. */
function assignments(): { resource: string; principal: string; role: string }[] {
  return [...rbac.matchAll(/^resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[^']+' =/gm)].map(
    ([, resource = ""]) => {
      const block = topLevelBlock(rbac, new RegExp(`^resource ${resource} `));
      const principal = /principalId: (\w+)/.exec(block)?.[1] ?? "";
      const role = /roleDefinitions',\s*roleIds\.(\w+)/.exec(block)?.[1] ?? "";
      return { resource, principal, role };
    },
  );
}

describe("role assignments (infra/app/rbac.bicep)", () => {
  it("give the app identity Key Vault Secrets Officer on the vault: it writes webhook secrets", () => {
    expect(rbac).toContain(`keyVaultSecretsOfficer: '${KEY_VAULT_SECRETS_OFFICER}'`);
    expect(rbac).not.toContain(KEY_VAULT_SECRETS_USER);
    const app = assignments().filter((a) => a.principal === "identityPrincipalId");
    expect(app.map((a) => a.role).sort()).toEqual([
      "keyVaultSecretsOfficer",
      "monitoringMetricsPublisher",
      "storageBlobDataOwner",
      "storageTableDataContributor",
    ]);
  });

  it("let the deploying user write credentials with the tenant CLI (Key Vault Secrets Officer, tables)", () => {
    expect(rbac).toContain(`keyVaultSecretsOfficer: '${KEY_VAULT_SECRETS_OFFICER}'`);
    const user = assignments().filter((a) => a.principal === "userPrincipalId");
    expect(user.map((a) => a.role).sort()).toEqual(["keyVaultSecretsOfficer", "storageTableDataContributor"]);
  });

  it("name every assignment from its scope, principal and role, so re-provisioning is idempotent", () => {
    for (const { resource, principal, role } of assignments()) {
      const block = topLevelBlock(rbac, new RegExp(`^resource ${resource} `));
      expect(block).toMatch(new RegExp(`name: guid\\(\\w+\\.id, ${principal}, roleIds\\.${role}\\)`));
    }
  });
});
