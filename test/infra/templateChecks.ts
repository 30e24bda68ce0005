import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CLIENT_ERROR_PCT_THRESHOLD,
  CONFLICT_THRESHOLD,
  HEARTBEAT_HOURS_THRESHOLD,
  SERVER_ERROR_PCT_THRESHOLD,
  UNAUTHENTICATED_THRESHOLD,
} from "./alertRules";
import { moduleOf, resourcesOf, type Json } from "./compiledTemplate";

/** Built-in Azure role definitions by GUID (the ids are the same in every tenant and cloud). */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
  "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
  "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
  "76199698-9eea-4c19-bc75-cec21354c6b6": "Storage Table Data Reader",
  "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
};

export interface TemplateCheck {
  readonly name: string;
  /** Throws (a failed `expect`) when the compiled template is wrong. */
  check(template: Json): void;
}

const one = (pattern: RegExp, text: string, what: string): string => {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${what}: no match for ${String(pattern)} in ${text}`);
  return found;
};

/** "<who>: <role name> on <resource type>" for each role assignment of the rbac module. */
function roleAssignments(template: Json): string[] {
  const rbac = moduleOf(template, "rbac").template;
  const roleIds = rbac.variables.roleIds as Record<string, string>;
  return resourcesOf(rbac)
    .filter(([, resource]) => resource.type === "Microsoft.Authorization/roleAssignments")
    .map(([, resource]) => {
      const key = one(/variables\('roleIds'\)\.(\w+)\)\]$/, resource.properties.roleDefinitionId, "role");
      const guid = roleIds[key] ?? "";
      const role = BUILT_IN_ROLES[guid] ?? `unknown role ${guid}`;
      const who = one(/^\[parameters\('(\w+)'\)\]$/, resource.properties.principalId, "principal");
      const scope = one(/^\[resourceId\('([^']+)'/, resource.scope, "scope");
      const conditional = resource.condition === undefined ? "" : ` if ${String(resource.condition)}`;
      return `${who}: ${role} on ${scope}${conditional}`;
    })
    .sort();
}

/** The service names of azure.yaml (`services:` keys). */
function azureYamlServices(): string[] {
  const yaml = readFileSync(join(__dirname, "..", "..", "azure.yaml"), "utf8");
  const block = /^services:\n((?: {2}.*\n|\n)+)/m.exec(yaml)?.[1] ?? "";
  return [...block.matchAll(/^ {2}([\w-]+):\s*$/gm)].map(([, name]) => name ?? "");
}

function apiResources(template: Json): Record<string, Json> {
  return Object.fromEntries(resourcesOf(moduleOf(template, "api").template));
}

const storageEndpoint = (kind: string) => `[reference('storage').primaryEndpoints.${kind}]`;

/** What every app setting is set to, as the compiled expression; the checks compare the whole map. */
const EXPECTED_APP_SETTINGS: Readonly<Record<string, unknown>> = {
  AzureWebJobsStorage__credential: "managedidentity",
  AzureWebJobsStorage__clientId: "[parameters('identityClientId')]",
  AzureWebJobsStorage__blobServiceUri: storageEndpoint("blob"),
  AzureWebJobsStorage__queueServiceUri: storageEndpoint("queue"),
  AzureWebJobsStorage__tableServiceUri: storageEndpoint("table"),
  AZURE_CLIENT_ID: "[parameters('identityClientId')]",
  STORAGE_TABLE_ENDPOINT: storageEndpoint("table"),
  RESOURCES_TABLE: "[parameters('resourcesTableName')]",
  TENANTS_TABLE: "[parameters('tenantsTableName')]",
  KEY_VAULT_URI: "[parameters('keyVaultUri')]",
  ADMIN_TOKEN_SHA256: "[parameters('adminTokenSha256')]",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "[reference('appInsights').ConnectionString]",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
    "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
};

/** What main.bicep passes to the api module for the parameters the app settings use. */
const EXPECTED_API_PARAMETERS: Readonly<Record<string, string>> = {
  identityId: "[reference('identity').outputs.id.value]",
  identityClientId: "[reference('identity').outputs.clientId.value]",
  storageAccountName: "[variables('storageAccountName')]",
  appInsightsName: "[variables('appInsightsName')]",
  keyVaultUri: "[reference('keyVault').outputs.uri.value]",
  resourcesTableName: "[variables('resourcesTableName')]",
  tenantsTableName: "[variables('tenantsTableName')]",
  adminTokenSha256: "[parameters('adminTokenSha256')]",
  allowedSources: "[parameters('allowedSources')]",
};

/** Each alert rule's measure, comparison and threshold as compiled (the thresholds from alertRules.ts). */
const EXPECTED_ALERT_RULES = [
  { name: "auth-failures", metricMeasureColumn: "authFailures", operator: "GreaterThan", threshold: 0 },
  {
    name: "server-errors",
    metricMeasureColumn: "serverErrorPct",
    operator: "GreaterThanOrEqual",
    threshold: SERVER_ERROR_PCT_THRESHOLD,
  },
  {
    name: "conflicts",
    metricMeasureColumn: "conflicts",
    operator: "GreaterThanOrEqual",
    threshold: "[parameters('conflictThreshold')]",
  },
  {
    name: "client-errors",
    metricMeasureColumn: "clientErrorPct",
    operator: "GreaterThanOrEqual",
    threshold: "[parameters('clientErrorPctThreshold')]",
  },
  {
    name: "unauthenticated",
    metricMeasureColumn: "unauthenticated",
    operator: "GreaterThanOrEqual",
    threshold: "[parameters('unauthenticatedThreshold')]",
  },
  {
    name: "no-heartbeat",
    metricMeasureColumn: "hoursSinceLastRun",
    operator: "GreaterThanOrEqual",
    threshold: "[parameters('heartbeatHours')]",
  },
];

export const TEMPLATE_CHECKS: readonly TemplateCheck[] = [
  {
    name: "role assignments: each principal gets exactly its roles, by role definition GUID",
    check(template) {
      expect(roleAssignments(template)).toEqual([
        "identityPrincipalId: Key Vault Secrets Officer on Microsoft.KeyVault/vaults",
        "identityPrincipalId: Monitoring Metrics Publisher on Microsoft.Insights/components",
        "identityPrincipalId: Storage Blob Data Owner on Microsoft.Storage/storageAccounts",
        "identityPrincipalId: Storage Table Data Contributor on Microsoft.Storage/storageAccounts",
        "userPrincipalId: Key Vault Secrets Officer on Microsoft.KeyVault/vaults if [variables('grantUser')]",
        "userPrincipalId: Storage Table Data Contributor on Microsoft.Storage/storageAccounts if [variables('grantUser')]",
      ]);
      const rbac = moduleOf(template, "rbac");
      expect(rbac.deployment.properties.parameters).toMatchObject({
        identityPrincipalId: { value: "[reference('identity').outputs.principalId.value]" },
        userPrincipalId: { value: "[parameters('principalId')]" },
        userPrincipalType: { value: "[parameters('principalType')]" },
      });
      for (const [, resource] of resourcesOf(rbac.template)) {
        if (resource.properties.principalId === "[parameters('identityPrincipalId')]")
          expect(resource.properties.principalType).toBe("ServicePrincipal");
      }
    },
  },
  {
    name: "the app writes secrets in its own vault only, and that vault keeps soft delete and purge protection",
    check(template) {
      const rbac = moduleOf(template, "rbac");
      const keyVault = moduleOf(template, "keyVault");
      // The vault the role is scoped to is the deployment's vault, named the same way in both modules.
      expect(rbac.deployment.properties.parameters.keyVaultName).toEqual(
        keyVault.deployment.properties.parameters.name,
      );
      const officer = resourcesOf(rbac.template)
        .map(([, resource]) => resource)
        .filter(
          (resource) =>
            resource.type === "Microsoft.Authorization/roleAssignments" &&
            resource.properties.principalId === "[parameters('identityPrincipalId')]" &&
            String(resource.properties.roleDefinitionId).includes("keyVaultSecretsOfficer"),
        );
      expect(officer).toHaveLength(1);
      // The vault itself: not the resource group or the subscription, where it would reach other vaults.
      expect(officer[0]?.scope).toBe("[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]");
      const vault = resourcesOf(keyVault.template).find(
        ([, resource]) => resource.type === "Microsoft.KeyVault/vaults",
      )?.[1];
      // What the app overwrites or deletes stays recoverable, and nobody can purge it early.
      expect(vault?.properties).toMatchObject({
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      });
    },
  },
  {
    name: "the function app carries the azd-service-name tag of the azure.yaml service",
    check(template) {
      const app = apiResources(template).functionApp!;
      expect(app.type).toBe("Microsoft.Web/sites");
      const tags = String(app.tags);
      const service = one(/createObject\('azd-service-name', '([\w-]+)'\)/, tags, "azd-service-name tag");
      expect(azureYamlServices()).toEqual([service]);
      expect(tags).toBe(`[union(parameters('tags'), createObject('azd-service-name', '${service}'))]`);
    },
  },
  {
    name: "every app setting has the expected value expression",
    check(template) {
      const settings = apiResources(template).appSettings!;
      expect(settings.type).toBe("Microsoft.Web/sites/config");
      expect(settings.name).toBe("[format('{0}/{1}', parameters('name'), 'appsettings')]");
      expect(settings.properties).toEqual(EXPECTED_APP_SETTINGS);
    },
  },
  {
    name: "main.bicep passes the app module the identity's client id, the vault URI and the table names",
    check(template) {
      const parameters = moduleOf(template, "api").deployment.properties.parameters as Record<string, Json>;
      const given = Object.fromEntries(
        Object.keys(EXPECTED_API_PARAMETERS).map((key) => [key, parameters[key]?.value]),
      );
      expect(given).toEqual(EXPECTED_API_PARAMETERS);
      expect(template.variables).toMatchObject({
        resourcesTableName: "scimResources",
        tenantsTableName: "scimTenants",
      });
    },
  },
  {
    name: "alert rules: measure column, operator and threshold of each rule",
    check(template) {
      const alerts = moduleOf(template, "alerts").template;
      const rules = (alerts.variables.rules as Json[]).map((rule) => ({
        name: rule.name,
        metricMeasureColumn: rule.metricMeasureColumn,
        operator: rule.operator,
        threshold: rule.threshold,
      }));
      expect(rules).toEqual(EXPECTED_ALERT_RULES);
      expect(alerts.parameters.conflictThreshold.defaultValue).toBe(CONFLICT_THRESHOLD);
      expect(alerts.parameters.clientErrorPctThreshold.defaultValue).toBe(CLIENT_ERROR_PCT_THRESHOLD);
      expect(alerts.parameters.heartbeatHours.defaultValue).toBe(HEARTBEAT_HOURS_THRESHOLD);
      expect(alerts.parameters.unauthenticatedThreshold.defaultValue).toBe(UNAUTHENTICATED_THRESHOLD);
      // Per tenant, except the app-wide heartbeat.
      const tenantDimension = [{ name: "tenantId", operator: "Include", values: ["*"] }];
      expect(
        Object.fromEntries((alerts.variables.rules as Json[]).map((rule) => [rule.name, rule.dimensions])),
      ).toEqual({
        "auth-failures": "[variables('perTenant')]",
        "server-errors": "[variables('perTenant')]",
        conflicts: "[variables('perTenant')]",
        "client-errors": "[variables('perTenant')]",
        unauthenticated: "[variables('perTenant')]",
        "no-heartbeat": [],
      });
      expect(alerts.variables.perTenant).toEqual(tenantDimension);
      const criteria = alerts.resources.alertRules.properties.criteria.allOf[0];
      expect(criteria).toMatchObject({
        operator: "[variables('rules')[copyIndex()].operator]",
        threshold: "[variables('rules')[copyIndex()].threshold]",
        metricMeasureColumn: "[variables('rules')[copyIndex()].metricMeasureColumn]",
        dimensions: "[variables('rules')[copyIndex()].dimensions]",
      });
    },
  },
  {
    name: "dependencies: the app waits for its role assignments; role assignments for what they scope",
    check(template) {
      const resources = template.resources as Record<string, Json>;
      expect(resources.api!.dependsOn).toEqual(
        expect.arrayContaining(["rbac", "identity", "storage", "keyVault"]),
      );
      expect(resources.rbac!.dependsOn).toEqual(
        expect.arrayContaining(["identity", "storage", "keyVault", "monitoring"]),
      );
      expect(apiResources(template).appSettings!.dependsOn).toEqual(
        expect.arrayContaining(["functionApp", "storage", "appInsights"]),
      );
    },
  },
  {
    name: "data storage: shared keys off and a CanNotDelete lock unless protectData is false",
    check(template) {
      const storage = Object.fromEntries(resourcesOf(moduleOf(template, "storage").template));
      expect(storage.storage!.properties).toMatchObject({
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
      });
      expect(storage.dataLock).toMatchObject({
        type: "Microsoft.Authorization/locks",
        condition: "[parameters('protectData')]",
        properties: { level: "CanNotDelete" },
      });
      expect(storage.dataLock!.scope).toMatch(/^\[resourceId\('Microsoft\.Storage\/storageAccounts'/);
      expect(template.parameters.protectData).toMatchObject({ type: "bool", defaultValue: true });
    },
  },
  {
    name: "inbound access: SCIM_ALLOWED_SOURCES becomes access rules; deployment endpoint unaffected",
    check(template) {
      const siteConfig = apiResources(template).functionApp!.properties.siteConfig as Json;
      expect(siteConfig).toMatchObject({
        ipSecurityRestrictions: "[variables('accessRules')]",
        ipSecurityRestrictionsDefaultAction: "[if(variables('restricted'), 'Deny', 'Allow')]",
        scmIpSecurityRestrictionsUseMain: false,
      });
      expect(template.parameters.allowedSources).toMatchObject({ type: "string", defaultValue: "" });
    },
  },
  {
    name: "parameters: Flex regions only, principal type from azd, a queue role only beside queues",
    check(template) {
      const regions = template.parameters.location.allowedValues as string[];
      expect(regions).toEqual(expect.arrayContaining(["eastus", "westeurope", "swedencentral"]));
      expect(regions).not.toContain("westindia"); // no Flex Consumption there
      expect(template.parameters.principalType.allowedValues).toEqual(["User", "ServicePrincipal"]);
      const text = JSON.stringify(template);
      if (text.includes("974c5e8b-45b9-4653-ba55-5f855dd0fb88"))
        expect(text).toContain("Microsoft.Storage/storageAccounts/queueServices/queues");
    },
  },
];
