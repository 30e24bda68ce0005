// Key Vault in RBAC mode for the per-tenant credentials (hashes of Secret Tokens and OAuth client secrets,
// webhook signing secrets and the token-signing keys). The tenant CLI (the deploying user's identity) and the app
// (webhook endpoints and secret rotations through the application API) write them, so no secret is created here.
// Soft delete and purge protection are on and must stay on: every version the app or the CLI replaced, and every
// deleted secret, can be recovered for the retention period, and nobody (not even an owner or the app) can purge
// it early.

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags { *: string }

@description('Days a deleted vault or secret is kept before it is purged (7-90). Fixed once the vault exists.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Key Vault URI, e.g. https://<name>.vault.azure.net/')
output uri string = vault.properties.vaultUri
