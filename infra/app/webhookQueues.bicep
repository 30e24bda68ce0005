// Webhook delivery: the storage queues the app writes and its queue-triggered functions read, and the
// queue role for the app identity (and for the deploying user, whose tenant CLI queues replays).
// The queue names are the app's defaults (WEBHOOK_QUEUE_PREFIX 'scim-webhook'): the functions are
// registered on them and the Functions host moves failed messages to the '-poison' queues.

@description('Storage account name (the same account as the tables and the Functions host).')
param storageAccountName string

@description('Object id of the app\'s user-assigned identity.')
param identityPrincipalId string

@description('Object id of the deploying user; empty to skip the user\'s role.')
param userPrincipalId string = ''

@description('Principal type of userPrincipalId.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param userPrincipalType string = 'User'

var queuePrefix = 'scim-webhook'
var queueNames = [
  '${queuePrefix}-fanout'
  '${queuePrefix}-fanout-poison'
  '${queuePrefix}-deliveries'
  '${queuePrefix}-deliveries-poison'
]
// Storage Queue Data Contributor: read, send, update and delete messages (triggers and senders).
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

@description('The webhook queues.')
output queueNames string[] = queueNames
