import { compileMutated, describeWithBicep, type InfraMutation, type Json } from "./compiledTemplate";
import { TEMPLATE_CHECKS } from "./templateChecks";

/**
 * Mistakes that compile and lint clean, each with the check of compiledTemplate.test.ts that must catch
 * it. Every mutation is applied to a temporary copy of infra/, compiled, and run through all checks.
 */
export const MUTATIONS: readonly (InfraMutation & { readonly caughtBy: string })[] = [
  {
    description: "the app's table role becomes Storage Table Data Reader",
    file: "app/rbac.bicep",
    from: "storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'",
    to: "storageTableDataContributor: '76199698-9eea-4c19-bc75-cec21354c6b6'",
    caughtBy: "role assignments: each principal gets exactly its roles, by role definition GUID",
  },
  {
    description: "the vault's purge protection is turned off",
    file: "app/keyvault.bicep",
    from: "enablePurgeProtection: true",
    to: "enablePurgeProtection: false",
    caughtBy:
      "the app writes secrets in its own vault only, and that vault keeps soft delete and purge protection",
  },
  {
    description: "the app's vault role is scoped to the resource group instead of the vault",
    file: "app/rbac.bicep",
    from: /(resource appSecretsOfficer [^\n]*\n[^\n]*\n) {2}scope: vault\n/,
    to: "$1",
    caughtBy:
      "the app writes secrets in its own vault only, and that vault keeps soft delete and purge protection",
  },
  {
    description: "the azd-service-name tag is renamed",
    file: "app/api.bicep",
    from: "'azd-service-name': 'api'",
    to: "'azd-service': 'api'",
    caughtBy: "the function app carries the azd-service-name tag of the azure.yaml service",
  },
  {
    description: "the host storage client id setting is given the identity's resource id",
    file: "app/api.bicep",
    from: "AzureWebJobsStorage__clientId: identityClientId",
    to: "AzureWebJobsStorage__clientId: identityId",
    caughtBy: "every app setting has the expected value expression",
  },
  {
    description: "STORAGE_TABLE_ENDPOINT points at the blob endpoint",
    file: "app/api.bicep",
    from: "STORAGE_TABLE_ENDPOINT: storage.properties.primaryEndpoints.table",
    to: "STORAGE_TABLE_ENDPOINT: storage.properties.primaryEndpoints.blob",
    caughtBy: "every app setting has the expected value expression",
  },
  {
    description: "the server-errors threshold comparison changes from >= to >",
    file: "app/alerts.bicep",
    from: /(name: 'server-errors'[\s\S]*?operator: )'GreaterThanOrEqual'/,
    to: "$1'GreaterThan'",
    caughtBy: "alert rules: measure column, operator and threshold of each rule",
  },
  {
    description: "the app no longer waits for its role assignments",
    file: "main.bicep",
    from: "dependsOn: [monitoring, rbac]",
    to: "dependsOn: [monitoring]",
    caughtBy: "dependencies: the app waits for its role assignments; role assignments for what they scope",
  },
  {
    description: "the data lock becomes ReadOnly",
    file: "app/storage.bicep",
    from: "level: 'CanNotDelete'",
    to: "level: 'ReadOnly'",
    caughtBy: "data storage: shared keys off and a CanNotDelete lock unless protectData is false",
  },
];

function failingChecks(template: Json): string[] {
  return TEMPLATE_CHECKS.filter((check) => {
    try {
      check.check(template);
      return false;
    } catch {
      return true;
    }
  }).map((check) => check.name);
}

// Seven builds side by side on a shared machine: give them time.
jest.setTimeout(180_000);

describeWithBicep("each mutation of infra/ is caught by the compiled-template checks", (bicep) => {
  const compiled = new Map<string, Promise<Json>>();
  beforeAll(() => {
    const cli = bicep();
    // All at once: each build is mostly the CLI's start-up.
    for (const mutation of MUTATIONS) {
      const template = compileMutated(cli, mutation);
      template.catch(() => undefined); // reported by the test that awaits it
      compiled.set(mutation.description, template);
    }
  });

  it("names only checks that exist", () => {
    const names = TEMPLATE_CHECKS.map((check) => check.name);
    for (const mutation of MUTATIONS) expect(names).toContain(mutation.caughtBy);
  });

  it.each(MUTATIONS.map((mutation) => [mutation.description, mutation] as const))(
    "%s",
    async (description, mutation) => {
      const template = await compiled.get(description)!;
      expect(failingChecks(template)).toContain(mutation.caughtBy);
    },
  );
});
