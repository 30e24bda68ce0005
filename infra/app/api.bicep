// Flex Consumption (FC1) plan and the function app that serves the SCIM endpoints, with its app settings.
// Every setting the host or the code reads is set here, and nothing else: on Flex the runtime lives in
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE
// and WEBSITE_CONTENT* must not be set. test/infra/appSettings.test.ts checks this list against
// test/infra/appSettings.ts.

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to the plan and the app (the app also gets azd-service-name).')
param tags { *: string }

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account for the host, the deployment package and the SCIM tables.')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights component name.')
param appInsightsName string

@description('Key Vault URI that holds the per-tenant bearer tokens.')
param keyVaultUri string

@description('Table of SCIM resources (users, groups), one partition per tenant.')
param resourcesTableName string

@description('Table of tenants (one row per Entra tenant: token references, state).')
param tenantsTableName string

@description('SHA-256 (hex) of the operator admin token; empty turns the operator endpoints (/ops/...) off.')
param adminTokenSha256 string

@description('Comma-separated service tags and IP addresses/CIDR ranges allowed to call the app; empty: anyone.')
param allowedSources string = ''

@description('Memory per instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Upper bound on instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// An address has a '.' (IPv4) or ':' (IPv6); anything else is a service tag such as AzureActiveDirectory.
func isAddress(source string) bool => contains(source, '.') || contains(source, ':')

// Access restrictions take CIDR ranges: a bare address becomes a range of one.
func asRange(address string) string => contains(address, '/') ? address : '${address}/${contains(address, ':') ? 128 : 32}'

var sources = filter(map(split(allowedSources, ','), source => trim(source)), source => !empty(source))
var accessRules = map(sources, (source, i) => {
  name: 'allow-${i}'
  action: 'Allow'
  priority: 100 + i
  tag: isAddress(source) ? 'Default' : 'ServiceTag'
  ipAddress: isAddress(source) ? asRange(source) : source
})
var restricted = !empty(sources)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // SCIM_ALLOWED_SOURCES: everything not listed gets 403 from the front end. The deployment endpoint
      // (scm) keeps its own, unrestricted rules so that azd deploy still works from anywhere.
      ipSecurityRestrictions: accessRules
      ipSecurityRestrictionsDefaultAction: restricted ? 'Deny' : 'Allow'
      scmIpSecurityRestrictionsUseMain: false
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// No publishing with user names and passwords: azd deploys with an Entra token.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Functions host storage, identity-based (the account has shared keys disabled).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    // Read by DefaultAzureCredential in the app code to pick the user-assigned identity.
    AZURE_CLIENT_ID: identityClientId
    // SCIM data.
    STORAGE_TABLE_ENDPOINT: storage.properties.primaryEndpoints.table
    RESOURCES_TABLE: resourcesTableName
    TENANTS_TABLE: tenantsTableName
    KEY_VAULT_URI: keyVaultUri
    // Operator diagnostics (/ops/...): a hash, not a secret; empty keeps the endpoints off.
    ADMIN_TOKEN_SHA256: adminTokenSha256
    // Telemetry; local auth is off on the component, so ingestion uses the identity's Entra token.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  }
}

@description('Function app name.')
output name string = functionApp.name

@description('Default host name, e.g. <name>.azurewebsites.net')
output defaultHostName string = functionApp.properties.defaultHostName
