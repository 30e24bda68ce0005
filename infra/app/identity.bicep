// User-assigned managed identity used by the function app for everything: host storage, the deployment
// package container, the SCIM tables, Key Vault and App Insights ingestion. One identity keeps the role
// assignments in one place and survives re-creating the app.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Client (application) id of the identity; the app sets it as AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId
