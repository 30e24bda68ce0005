import { loadConfig } from "../src/config";

describe("configuration", () => {
  it("needs a storage connection string or a table endpoint, and fills defaults", () => {
    expect(() => loadConfig({})).toThrow(/STORAGE_CONNECTION_STRING/);
    expect(loadConfig({ STORAGE_TABLE_ENDPOINT: "https://acct.table.core.windows.net" })).toMatchObject({
      RESOURCES_TABLE: "scimResources",
      TENANTS_TABLE: "scimTenants",
      AUTH_CACHE_TTL_SECONDS: 60,
      THROTTLE_MAX_IN_FLIGHT: 4,
      THROTTLE_MAX_QUEUED: 64,
      THROTTLE_MAX_WAIT_SECONDS: 5,
    });
  });

  it("fails at start-up on a malformed setting, naming it", () => {
    expect(() => loadConfig({ STORAGE_CONNECTION_STRING: "x", RESOURCES_TABLE: "bad-name" })).toThrow(
      /RESOURCES_TABLE/,
    );
    expect(() => loadConfig({ STORAGE_CONNECTION_STRING: "x", AUTH_CACHE_TTL_SECONDS: "forever" })).toThrow(
      /AUTH_CACHE_TTL_SECONDS/,
    );
    // A queued request's wait: whole seconds, 1 to 60.
    for (const wait of ["0", "61", "2.5", "soon"])
      expect(() => loadConfig({ STORAGE_CONNECTION_STRING: "x", THROTTLE_MAX_WAIT_SECONDS: wait })).toThrow(
        /THROTTLE_MAX_WAIT_SECONDS/,
      );
    expect(loadConfig({ STORAGE_CONNECTION_STRING: "x", THROTTLE_MAX_WAIT_SECONDS: "60" })).toMatchObject({
      THROTTLE_MAX_WAIT_SECONDS: 60,
    });
  });
});
