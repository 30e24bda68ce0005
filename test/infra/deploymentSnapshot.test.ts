import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  describeWithBicep,
  INFRA,
  SNAPSHOT_SUBSCRIPTION,
  snapshotTemplate,
  type Json,
} from "./compiledTemplate";
import { BUILT_IN_ROLES } from "./templateChecks";

/**
 * What a deployment would create for given parameters (`bicep snapshot`, offline): the parameters azd
 * passes from its environment, evaluated through conditions and lambdas, as concrete resources.
 */
const BASE = { environmentName: "scim-dev", location: "westeurope" };
const OPERATOR = "00000000-0000-0000-0000-0000000000aa";

describeWithBicep("deployment snapshot (bicep snapshot of main.bicep)", (bicep) => {
  let defaults: Json[];
  let pipeline: Json[];

  beforeAll(async () => {
    [defaults, pipeline] = await Promise.all([
      snapshotTemplate(bicep(), BASE),
      snapshotTemplate(bicep(), {
        ...BASE,
        principalId: OPERATOR,
        principalType: "ServicePrincipal",
        allowedSources: "AzureActiveDirectory, 203.0.113.7,198.51.100.0/24,2001:db8::1,",
        protectData: false,
      }),
    ]);
  }, 180_000);

  const ofType = (resources: Json[], type: string) => resources.filter((resource) => resource.type === type);
  const site = (resources: Json[]) => ofType(resources, "Microsoft.Web/sites")[0]!;

  it("by default: anyone may call the app, the data account is locked, only the app gets roles", () => {
    expect(site(defaults).properties.siteConfig).toMatchObject({
      ipSecurityRestrictions: [],
      ipSecurityRestrictionsDefaultAction: "Allow",
    });
    expect(ofType(defaults, "Microsoft.Authorization/locks")).toEqual([
      expect.objectContaining({
        name: "scim-data-cannot-delete",
        properties: expect.objectContaining({ level: "CanNotDelete" }),
      }),
    ]);
    const assignments = ofType(defaults, "Microsoft.Authorization/roleAssignments");
    expect(assignments.length).toBeGreaterThanOrEqual(4);
    for (const assignment of assignments) {
      expect(assignment.properties.principalType).toBe("ServicePrincipal");
      // The app identity's object id, known only once Azure has created it.
      expect(assignment.properties.principalId).toMatch(/'identity-\{0\}'.*\.outputs\.principalId\.value\]$/);
    }
  });

  it("SCIM_ALLOWED_SOURCES: the service tag and each address become rules, the rest is denied", () => {
    expect(site(pipeline).properties.siteConfig).toMatchObject({
      ipSecurityRestrictions: [
        {
          name: "allow-0",
          action: "Allow",
          priority: 100,
          tag: "ServiceTag",
          ipAddress: "AzureActiveDirectory",
        },
        { name: "allow-1", action: "Allow", priority: 101, tag: "Default", ipAddress: "203.0.113.7/32" },
        { name: "allow-2", action: "Allow", priority: 102, tag: "Default", ipAddress: "198.51.100.0/24" },
        { name: "allow-3", action: "Allow", priority: 103, tag: "Default", ipAddress: "2001:db8::1/128" },
      ],
      ipSecurityRestrictionsDefaultAction: "Deny",
      scmIpSecurityRestrictionsUseMain: false,
    });
  });

  it("a pipeline's service principal gets its roles as a ServicePrincipal; SCIM_PROTECT_DATA=false: no lock", () => {
    const operator = ofType(pipeline, "Microsoft.Authorization/roleAssignments")
      .filter((assignment) => assignment.properties.principalId === OPERATOR)
      .map((assignment) => ({
        role: BUILT_IN_ROLES[String(assignment.properties.roleDefinitionId).split("/").at(-1) ?? ""],
        principalType: assignment.properties.principalType,
      }));
    expect(operator).toEqual([
      { role: "Storage Table Data Contributor", principalType: "ServicePrincipal" },
      { role: "Key Vault Secrets Officer", principalType: "ServicePrincipal" },
      // The tenant CLI queues webhook replays.
      { role: "Storage Queue Data Contributor", principalType: "ServicePrincipal" },
    ]);
    expect(ofType(pipeline, "Microsoft.Authorization/locks")).toEqual([]);
  });

  it("the app carries its tags and settings with the deployment's own names", () => {
    const app = site(defaults);
    expect(app.tags).toEqual({ "azd-env-name": "scim-dev", "azd-service-name": "api" });
    const settings = ofType(defaults, "Microsoft.Web/sites/config")[0]!.properties as Record<string, string>;
    const account = `/subscriptions/${SNAPSHOT_SUBSCRIPTION}/resourceGroups/rg-scim-dev/providers/Microsoft.Storage/storageAccounts/`;
    expect(settings.STORAGE_TABLE_ENDPOINT).toMatch(
      new RegExp(`^\\[reference\\('${account}st\\w+', '[\\d-]+'\\)\\.primaryEndpoints\\.table\\]$`),
    );
    expect(settings).toMatchObject({
      RESOURCES_TABLE: "scimResources",
      TENANTS_TABLE: "scimTenants",
      ADMIN_TOKEN_SHA256: "",
    });
  });

  it("creates six alert rules with their thresholds, per tenant but the heartbeat", () => {
    const rules = ofType(defaults, "Microsoft.Insights/scheduledQueryRules").map((rule) => {
      const criterion = rule.properties.criteria.allOf[0] as Json;
      return [
        String(rule.name).replace(/^alert-scim-|-\w+$/g, ""),
        `${String(criterion.metricMeasureColumn)} ${String(criterion.operator)} ${String(criterion.threshold)}`,
        (criterion.dimensions as Json[]).map((dimension) => dimension.name).join(","),
      ];
    });
    expect(rules).toEqual([
      ["auth-failures", "authFailures GreaterThan 0", "tenantId"],
      ["server-errors", "serverErrorPct GreaterThanOrEqual 20", "tenantId"],
      ["conflicts", "conflicts GreaterThanOrEqual 20", "tenantId"],
      ["client-errors", "clientErrorPct GreaterThanOrEqual 20", "tenantId"],
      ["unauthenticated", "unauthenticated GreaterThanOrEqual 100", "tenantId"],
      ["no-heartbeat", "hoursSinceLastRun GreaterThanOrEqual 3", ""],
    ]);
  });
});

describe("main.parameters.json: what azd passes from its environment", () => {
  const parameters = (
    JSON.parse(readFileSync(join(INFRA, "main.parameters.json"), "utf8")) as {
      parameters: Record<string, { value: unknown }>;
    }
  ).parameters;

  it.each([
    ["principalId", "${AZURE_PRINCIPAL_ID}"],
    ["principalType", "${AZURE_PRINCIPAL_TYPE=User}"],
    ["allowedSources", "${SCIM_ALLOWED_SOURCES=}"],
    ["protectData", "${SCIM_PROTECT_DATA=true}"],
    ["alertEmail", "${ALERT_EMAIL=}"],
    ["adminTokenSha256", "${ADMIN_TOKEN_SHA256=}"],
  ])("%s ← %s", (name, value) => {
    expect(parameters[name]?.value).toBe(value);
  });
});
