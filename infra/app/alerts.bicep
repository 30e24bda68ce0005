// Alerts that catch what would put an Entra provisioning job into quarantine, one alert per tenant.
//
// Log search alert rules run KQL (infra/alerts/*.kql) over App Insights: five per tenant (the tenant is the
// 3rd path segment of /scim/v2/<tenantId>/..., or the tenantId of the app's ScimRequest events) and one for
// the app as a whole (its hourly job stopped running). An action group emails `alertEmail`.
//
// When alertEmail is empty the rules are still created: fired alerts show in Azure Monitor > Alerts (and in
// the Azure mobile app), they just notify nobody. No action group is created then, because an action group
// without a receiver would do nothing. Set ALERT_EMAIL and run `azd provision` to add the email later.

@description('Azure region of the Application Insights component (log search alert rules live beside it).')
param location string

@description('Tags applied to the alert resources.')
param tags { *: string }

@description('Resource id of the Application Insights component the queries run against.')
param appInsightsId string

@description('Suffix that makes names unique (the azd resource token).')
param resourceToken string

@description('Email address notified when an alert fires; empty: no notification (see the header).')
param alertEmail string = ''

@description('409 responses per tenant per hour that count as a spike.')
@minValue(1)
param conflictThreshold int = 20

@description('Share of a tenant\'s requests, in percent, answered with a 4xx that Entra counts, at or above which the client-errors rule fires.')
@minValue(1)
@maxValue(100)
param clientErrorPctThreshold int = 20

@description('Unauthenticated requests to one tenant\'s URL per hour at or above which the unauthenticated rule fires.')
@minValue(1)
param unauthenticatedThreshold int = 100

@description('Hours without a successful run of the hourly job after which the no-heartbeat rule fires.')
@minValue(2)
@maxValue(23)
param heartbeatHours int = 3

var notify = !empty(alertEmail)
var perTenant = [
  {
    name: 'tenantId'
    operator: 'Include'
    values: ['*']
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (notify) {
  name: 'ag-scim-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'scim-alerts'
    enabled: true
    emailReceivers: [
      {
        name: 'scim-oncall'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var rules = [
  {
    name: 'auth-failures'
    displayName: 'SCIM: 401/403 for a tenant (Entra quarantines the job)'
    severity: 1
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    query: loadTextContent('../alerts/auth-failures.kql')
    metricMeasureColumn: 'authFailures'
    timeAggregation: 'Total'
    operator: 'GreaterThan'
    threshold: 0
    dimensions: perTenant
    description: join(
      [
        'The SCIM endpoint answered 401 or 403 to requests for this tenant (dimension tenantId).'
        'Entra ID puts the provisioning job into quarantine at once on invalid credentials (EncounteredQuarantineException): nothing is provisioned until the next cycle succeeds, and the job is disabled after 4 weeks.'
        'Check: (1) in Entra, Enterprise applications > the app > Provisioning: is the job in quarantine, and which token is in Admin Credentials? (2) was the tenant\'s token rotated, expired or revoked (tenant CLI; Key Vault secret versions)? (3) is the tenant row in the scimTenants table present and enabled? (4) Key Vault reachable by the app identity (Key Vault Secrets Officer)? Requests with no credential or one the tenant never issued are not counted here (see the unauthenticated rule).'
        'Fix: put the current token into Admin Credentials, click Test Connection, then Restart provisioning.'
      ],
      ' '
    )
  }
  {
    name: 'server-errors'
    displayName: 'SCIM: 5xx rate for a tenant at or above 20 %'
    severity: 1
    evaluationFrequency: 'PT5M'
    windowSize: 'PT30M'
    query: loadTextContent('../alerts/server-errors.kql')
    metricMeasureColumn: 'serverErrorPct'
    timeAggregation: 'Maximum'
    operator: 'GreaterThanOrEqual'
    threshold: 20
    dimensions: perTenant
    description: join(
      [
        'At least 20 % of this tenant\'s SCIM requests (at least 3 requests) failed with 5xx in the last 30 minutes.'
        'Entra retries failed objects about 40 minutes later; once more than 40 % of a job\'s provisioning events fail, it quarantines the job (EncounteredEscrowProportionThreshold).'
        'Check: (1) Application Insights > Failures, filtered on this tenant\'s URL, for the exception; (2) Table Storage throttling (503, ServerBusy) or a partition hot spot; (3) Key Vault throttling or role assignments; (4) a recent deployment (azd deploy) or Flex Consumption scale limits (maximumInstanceCount); (5) request durations near the Entra timeout.'
        'Fix the cause, then let the next cycle retry, or Restart provisioning in Entra if the job is already quarantined.'
      ],
      ' '
    )
  }
  {
    name: 'conflicts'
    displayName: 'SCIM: spike of 409 Conflict for a tenant'
    severity: 2
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    query: loadTextContent('../alerts/conflicts.kql')
    metricMeasureColumn: 'conflicts'
    timeAggregation: 'Total'
    operator: 'GreaterThanOrEqual'
    threshold: conflictThreshold
    dimensions: perTenant
    description: join(
      [
        'This tenant received at least ${conflictThreshold} responses 409 Conflict in the last hour.'
        'A few are normal (a duplicate create); many mean Entra cannot find existing objects with its matching filter and keeps trying to create them, or a create that timed out after committing is retried into a 409 loop. Entra logs these as Conflict/EntryConflict and counts them as failures toward quarantine.'
        'Check: (1) Entra provisioning logs for the failing objects and their matching attribute (userName, externalId); (2) whether GET /Users?filter=userName eq "..." finds the existing user (case-insensitive match); (3) index rows in scimResources out of step with primary rows; (4) slow POSTs (durations near the Entra timeout).'
      ],
      ' '
    )
  }
  {
    name: 'client-errors'
    displayName: 'SCIM: 4xx rate that Entra counts as failures, for a tenant'
    severity: 2
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    query: loadTextContent('../alerts/client-errors.kql')
    metricMeasureColumn: 'clientErrorPct'
    timeAggregation: 'Maximum'
    operator: 'GreaterThanOrEqual'
    threshold: clientErrorPctThreshold
    dimensions: perTenant
    description: join(
      [
        'At least ${clientErrorPctThreshold} % of this tenant\'s SCIM requests (at least 10) in the last hour were answered with a 4xx that Entra counts as a failed provisioning event (400 invalidValue, invalidSyntax, invalidFilter, 409, 412, 413; not 404 on GET or DELETE, not 429, not 401/403).'
        'Entra quarantines a job once more than 40 % of its provisioning events fail (EncounteredEscrowProportionThreshold), and retries failed objects only in later cycles.'
        'Check: (1) Entra provisioning logs for the failing objects and the error detail (it quotes our scimType and detail); (2) npm run tenant:azure -- summary <tenant> (failures by status, last failure); (3) the attribute mapping: a value our schema refuses (type, length, an undeclared extension attribute when the tenant refuses undeclared ones).'
      ],
      ' '
    )
  }
  {
    name: 'unauthenticated'
    displayName: 'SCIM: many unauthenticated requests to a tenant\'s URL'
    severity: 3
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    query: loadTextContent('../alerts/unauthenticated.kql')
    metricMeasureColumn: 'unauthenticated'
    timeAggregation: 'Total'
    operator: 'GreaterThanOrEqual'
    threshold: unauthenticatedThreshold
    dimensions: perTenant
    description: join(
      [
        'This tenant\'s URL received at least ${unauthenticatedThreshold} requests in the last hour whose credential did not authenticate: none, one this tenant never issued, or a forged access token.'
        'They do not count toward the tenant\'s 401 alert or quarantine outlook, because anyone can send them.'
        'Check: (1) npm run tenant:azure -- summary <tenant>: if Entra\'s job is failing while the outlook is healthy, the token in Entra\'s Admin Credentials is not one this tenant issued (a paste error); (2) otherwise someone is guessing at the tenant\'s credentials: consider SCIM_ALLOWED_SOURCES (docs/deploy.md) to accept only Entra\'s addresses.'
      ],
      ' '
    )
  }
  {
    name: 'no-heartbeat'
    displayName: 'SCIM: the app has stopped running (no hourly job for ${heartbeatHours} hours)'
    severity: 1
    evaluationFrequency: 'PT30M'
    windowSize: 'P1D'
    query: loadTextContent('../alerts/no-heartbeat.kql')
    metricMeasureColumn: 'hoursSinceLastRun'
    timeAggregation: 'Maximum'
    operator: 'GreaterThanOrEqual'
    threshold: heartbeatHours
    dimensions: []
    description: join(
      [
        'The function app has not completed its hourly job (auditRetention) for ${heartbeatHours} hours or more: the app is not starting, cannot reach its storage, or was stopped.'
        'Entra sends no request while nothing changes, so silence on the SCIM endpoint alone proves nothing; this job runs every hour whatever the traffic. Right after the first deployment the rule may fire once, until the job has run.'
        'Check: (1) the function app\'s state and its last deployment (azd deploy); (2) Application Insights > Failures and traces for start-up errors (a bad app setting fails the host at start); (3) role assignments on the storage account; (4) the storage account\'s availability.'
      ],
      ' '
    )
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'alert-scim-${rule.name}-${resourceToken}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [appInsightsId]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.timeAggregation
            metricMeasureColumn: rule.metricMeasureColumn
            operator: rule.operator
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: notify ? [actionGroup.id] : []
      }
    }
  }
]

@description('Names of the alert rules.')
output ruleNames string[] = [for (rule, i) in rules: alertRules[i].name]
