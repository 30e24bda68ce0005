// Storage account for the Functions host (blobs), the Flex Consumption deployment package (one blob
// container) and the SCIM data (two tables). Keys are disabled: every client authenticates with Entra ID.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags { *: string }

@description('Blob container that holds the function app package deployed by azd.')
param deploymentContainerName string

@description('Names of the tables the app reads and writes.')
param tableNames string[]

@description('Lock the account against deletion (CanNotDelete): it holds every tenant\'s directory.')
param protectData bool = true

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// A lock guards the control plane only: the app and the tenant CLI still read and write rows, but
// neither a portal click nor `azd down` can delete the account (and its tables) until the lock is removed.
resource dataLock 'Microsoft.Authorization/locks@2020-05-01' = if (protectData) {
  name: 'scim-data-cannot-delete'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds every tenant\'s SCIM directory. Remove this lock before azd down (docs/deploy.md, Tear down).'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

@description('Storage account name.')
output name string = storage.name

@description('Blob endpoint, e.g. https://<account>.blob.<suffix>/')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue endpoint, for modules that add queues (and the queue role with them).')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Table endpoint, e.g. https://<account>.table.<suffix>/')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name
