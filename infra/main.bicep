// SCIM 2.0 provisioning connector for Microsoft Entra ID: everything `azd up` creates.
// Local modules only (no registry modules), so `bicep build` and `bicep lint` run offline
// (tools/bicep/check.sh).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for all resources. Only regions that offer Flex Consumption (FC1) function apps are allowed; azd offers only these.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person running azd (AZURE_PRINCIPAL_ID). Gets table and secret access so the tenant CLI works from a laptop. Empty: no role for anyone but the app.')
param principalId string = ''

@description('Principal type of principalId: azd passes AZURE_PRINCIPAL_TYPE (ServicePrincipal when a pipeline runs azd).')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Email address notified when an alert fires (ALERT_EMAIL). Empty: the alert rules exist but notify nobody.')
param alertEmail string = ''

@description('SHA-256 (hex) of the operator admin token for the operator endpoints /ops/... (ADMIN_TOKEN_SHA256; npm run tenant -- admin-token makes one). Empty: those endpoints are off.')
param adminTokenSha256 string = ''

@description('Who may call the function app (SCIM_ALLOWED_SOURCES): comma-separated service tags (AzureActiveDirectory: Entra provisioning) and IPv4/IPv6 addresses or CIDR ranges (operators). Empty: anyone (the default; see docs/deploy.md).')
param allowedSources string = ''

@description('Put a CanNotDelete lock on the storage account that holds every tenant\'s directory (SCIM_PROTECT_DATA). azd down then needs the lock removed first.')
param protectData bool = true

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var resourcesTableName = 'scimResources'
var tenantsTableName = 'scimTenants'
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Names the modules look resources up by are computed here, from parameters only, so What-If can predict
// every resource id; modules that use them declare the dependency with dependsOn.
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var appInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${resourceToken}'
    tableNames: [resourcesTableName, tenantsTableName]
    protectData: protectData
  }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    appInsightsName: appInsightsName
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
  }
}

module api 'app/api.bicep' = {
  scope: rg
  // The app starts with its first request after deployment: its role assignments must exist by then.
  dependsOn: [monitoring, rbac]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsName: appInsightsName
    keyVaultUri: keyVault.outputs.uri
    resourcesTableName: resourcesTableName
    tenantsTableName: tenantsTableName
    adminTokenSha256: adminTokenSha256
    allowedSources: allowedSources
  }
}

module rbac 'app/rbac.bicep' = {
  scope: rg
  dependsOn: [storage, keyVault, monitoring]
  params: {
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    appInsightsName: appInsightsName
    // The identity's object id exists only once the identity is created, and it is part of each role
    // assignment's name (guid(scope, principalId, role)): a re-created identity then gets new assignments
    // instead of failing with RoleAssignmentUpdateNotPermitted. What-If shows these assignments as unknown.
    #disable-next-line what-if-short-circuiting
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module webhookQueues 'app/webhookQueues.bicep' = {
  scope: rg
  dependsOn: [storage]
  params: {
    storageAccountName: storageAccountName
    #disable-next-line what-if-short-circuiting
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module alerts 'app/alerts.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    resourceToken: resourceToken
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output RESOURCES_TABLE string = resourcesTableName
output TENANTS_TABLE string = tenantsTableName
output KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
@description('Base of every tenant URL: a tenant\'s Tenant URL in Entra is <SCIM_BASE_URL>/<tenantId>. host.json sets routePrefix "", so there is no /api.')
output SCIM_BASE_URL string = 'https://${api.outputs.defaultHostName}/scim/v2'
