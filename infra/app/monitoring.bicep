// Log Analytics workspace + workspace-based Application Insights with local (key) auth disabled: telemetry
// is accepted only with an Entra token, so the app identity needs Monitoring Metrics Publisher (rbac.bicep).

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param appInsightsName string

@description('Azure region.')
param location string

@description('Tags applied to both resources.')
param tags { *: string }

@description('Days of log retention (30 is included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

@description('Application Insights component name.')
output appInsightsName string = appInsights.name

@description('Application Insights component resource id (scope of the alert rules).')
output appInsightsId string = appInsights.id

@description('Application Insights connection string (an ingestion address, not a credential: local auth is disabled, so sending telemetry needs an Entra token).')
output connectionString string = appInsights.properties.ConnectionString
