import { loadConfig } from "../src/config";

describe("configuration", () => {
  it("needs a storage connection string or a table endpoint, and fills defaults", () => {
    expect(() => loadConfig({})).toThrow(/STORAGE_CONNECTION_STRING/);
    expect(loadConfig({ STORAGE_TABLE_ENDPOINT: "https://acct.table.core.windows.net" })).toMatchObject({
      RESOURCES_TABLE: "scimResources",
      TENANTS_TABLE: "scimTenants",
      AUTH_CACHE_TTL_SECONDS: 60,
    });
  });

  it("fails at start-up on a malformed setting, naming it", () => {
    expect(() => loadConfig({ STORAGE_CONNECTION_STRING: "x", RESOURCES_TABLE: "bad-name" })).toThrow(
      /RESOURCES_TABLE/,
    );
    expect(() => loadConfig({ STORAGE_CONNECTION_STRING: "x", AUTH_CACHE_TTL_SECONDS: "forever" })).toThrow(
      /AUTH_CACHE_TTL_SECONDS/,
    );
  });
});
