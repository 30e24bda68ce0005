/**
 * Names of the app settings that infra/app/api.bicep sets on the function app, and only those.
 * test/infra/appSettings.test.ts checks the Bicep against this list both ways, so a setting the code
 * starts reading without the infrastructure setting it (or a stale one) fails the tests.
 */
export const APP_SETTING_NAMES = [
  // Read by the Functions host: its own storage, with the user-assigned identity (no account keys).
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  "AzureWebJobsStorage__blobServiceUri",
  // Read by the Functions host (its storage, queue triggers) and by the app (the webhook queues).
  "AzureWebJobsStorage__queueServiceUri",
  "AzureWebJobsStorage__tableServiceUri",
  // Read by DefaultAzureCredential: which managed identity to use.
  "AZURE_CLIENT_ID",
  // Read by the app: where SCIM resources, tenants and tenant tokens live.
  "STORAGE_TABLE_ENDPOINT",
  "RESOURCES_TABLE",
  "TENANTS_TABLE",
  "KEY_VAULT_URI",
  // Read by the app: the operator's admin token (its hash) for the operator endpoints (/ops/...).
  "ADMIN_TOKEN_SHA256",
  // Read by the Functions host's Application Insights integration (Entra-authenticated ingestion).
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
] as const;

export type AppSettingName = (typeof APP_SETTING_NAMES)[number];

/**
 * The app settings above that no key of the config schema (src/config.ts) reads, and who reads them
 * instead. test/infra/appSettings.test.ts checks that every other name is a config key, and that every
 * config key Azure needs (one with no default) is an app setting.
 */
export const READ_OUTSIDE_THE_CONFIG: Readonly<Partial<Record<AppSettingName, string>>> = {
  AzureWebJobsStorage__credential: "Functions host (its storage)",
  AzureWebJobsStorage__clientId: "Functions host (its storage)",
  AzureWebJobsStorage__blobServiceUri: "Functions host (its storage)",
  AzureWebJobsStorage__tableServiceUri: "Functions host (its storage)",
  AZURE_CLIENT_ID: "DefaultAzureCredential (@azure/identity): the user-assigned identity",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Functions host: Entra-authenticated request telemetry",
};
