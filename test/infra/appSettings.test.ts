import { APP_SETTING_NAMES, READ_OUTSIDE_THE_CONFIG } from "./appSettings";
import { configSchema } from "../../src/config";
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

describe("app settings and the code (test/infra/appSettings.ts, src/config.ts)", () => {
  const configKeys = Object.keys(configSchema.shape);
  const outside = Object.keys(READ_OUTSIDE_THE_CONFIG);
  /** Settings only local runs use; Azure must not set them (the Bicep test above fails if it does). */
  const LOCAL_ONLY = ["STORAGE_CONNECTION_STRING"];

  it.each(configKeys.filter((key) => !LOCAL_ONLY.includes(key)))(
    "%s: set by the Bicep, or left to its default in Azure",
    (key) => {
      const shape = configSchema.shape as Record<
        string,
        { safeParse(value: unknown): { success: boolean; data?: unknown } }
      >;
      const unset = shape[key]!.safeParse(undefined);
      const hasDefault = unset.success && unset.data !== undefined;
      // A key with no default is undefined in Azure unless the function app sets it.
      if (!hasDefault) expect(APP_SETTING_NAMES).toContain(key);
    },
  );

  it("local-only settings are config keys that Azure does not set", () => {
    for (const key of LOCAL_ONLY) {
      expect(configKeys).toContain(key);
      expect(APP_SETTING_NAMES).not.toContain(key);
    }
  });

  it.each(APP_SETTING_NAMES)("%s is read by the code's config or by a documented reader", (name) => {
    expect(configKeys.includes(name) || outside.includes(name)).toBe(true);
  });

  it("documents only readers of real app settings, none that the config already reads", () => {
    for (const name of outside) {
      expect(APP_SETTING_NAMES).toContain(name);
      expect(configKeys).not.toContain(name);
    }
  });
});
