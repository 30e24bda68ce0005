import { APP_SETTING_NAMES } from "../../src/appSettings";
import { propertyKeys, readInfra, topLevelBlock } from "./bicepText";

/** Every app setting the host or the code reads; the function app module must set each one. */
const APP_SETTINGS_READ_BY_CODE: readonly string[] = APP_SETTING_NAMES;

const apiBicep = readInfra("app", "api.bicep");
const appSettingsBlock = topLevelBlock(apiBicep, /^resource appSettings 'Microsoft\.Web\/sites\/config@/);
const settingsInBicep = propertyKeys(appSettingsBlock);

describe("app settings of the function app (infra/app/api.bicep)", () => {
  it("is the appsettings config of the function app", () => {
    expect(appSettingsBlock).toMatch(/^\s*parent: functionApp$/m);
    expect(appSettingsBlock).toMatch(/^\s*name: 'appsettings'$/m);
  });

  it.each(APP_SETTINGS_READ_BY_CODE)("sets %s", (name) => {
    expect(settingsInBicep).toContain(name);
  });

  it("sets nothing the code does not read", () => {
    expect([...settingsInBicep].sort()).toEqual([...APP_SETTINGS_READ_BY_CODE].sort());
  });

  it("sets each name once", () => {
    expect(new Set(settingsInBicep).size).toBe(settingsInBicep.length);
  });

  it("sets none of the settings that Flex Consumption rejects", () => {
    for (const name of [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_CONTENTSHARE",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "AzureWebJobsStorage",
    ]) {
      expect(settingsInBicep).not.toContain(name);
    }
  });

  it("uses identity-based host storage and Entra-authenticated telemetry", () => {
    expect(appSettingsBlock).toMatch(/^\s*AzureWebJobsStorage__credential: 'managedidentity'$/m);
    expect(appSettingsBlock).toMatch(
      /^\s*APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=\$\{identityClientId\};Authorization=AAD'$/m,
    );
    expect(appSettingsBlock).toMatch(/^\s*RESOURCES_TABLE: resourcesTableName$/m);
    expect(appSettingsBlock).toMatch(/^\s*TENANTS_TABLE: tenantsTableName$/m);
  });
});

describe("table names", () => {
  it("are the ones main.bicep creates and outputs", () => {
    const main = readInfra("main.bicep");
    expect(main).toMatch(/^var resourcesTableName = 'scimResources'$/m);
    expect(main).toMatch(/^var tenantsTableName = 'scimTenants'$/m);
    expect(main).toMatch(/tableNames: \[resourcesTableName, tenantsTableName\]/);
  });
});
