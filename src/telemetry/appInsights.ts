import type { TokenCredential } from "@azure/identity";
import type { ProvisioningEvent, RequestTelemetry, Telemetry } from "./types";

/** Custom event name of the per-request tags (see why in `createAppInsightsTelemetry`). */
export const REQUEST_EVENT_NAME = "ScimRequest";

export interface AppInsightsOptions {
  /** Entra credential for ingestion; default DefaultAzureCredential (AZURE_CLIENT_ID picks the identity). */
  readonly credential?: TokenCredential;
  /** The SDK module; default `require("applicationinsights")` (tests pass a stand-in). */
  readonly sdk?: AppInsightsSdk;
}

/** The part of the `applicationinsights` module used here. */
export type AppInsightsSdk = Pick<typeof import("applicationinsights"), "setup" | "start" | "dispose"> & {
  readonly defaultClient: Pick<
    import("applicationinsights").TelemetryClient,
    "config" | "trackEvent" | "flush"
  >;
};

export interface AppInsightsTelemetry extends Telemetry {
  /** Flushes and stops the SDK (tests; the Functions host just ends the process). */
  shutdown(): Promise<void>;
}

function requestProperties(request: RequestTelemetry): Record<string, string> {
  return {
    tenantId: request.tenantId,
    resource: request.resource,
    operation: request.operation,
    outcome: request.outcome,
    status: String(request.status),
    ...(request.errorType === undefined ? {} : { errorType: request.errorType }),
    route: request.route,
    method: request.method,
    correlationId: request.correlationId,
  };
}

function eventProperties(event: ProvisioningEvent): Record<string, string> {
  const details = Object.fromEntries(
    Object.entries(event.details ?? {}).map(([key, value]) => [key, String(value)]),
  );
  return {
    ...details,
    tenantId: event.tenantId,
    resource: event.resource,
    ...(event.resourceId === undefined ? {} : { resourceId: event.resourceId }),
    correlationId: event.correlationId,
  };
}

/**
 * Application Insights through `applicationinsights` 3.x, authenticated with an Entra token: the
 * component has local auth disabled, so the connection string alone is refused at ingestion.
 *
 * The SDK and @azure/identity are required here, not imported at the top, so a process without a
 * connection string (local runs, tests, the tenant CLI) never loads them: they add hundreds of
 * milliseconds to a cold start.
 *
 * The Functions host already writes one `requests` row per invocation (the alert rules read those). A
 * second `requests` row from the SDK would double every count, so each request's tags go out as a
 * `ScimRequest` custom event instead. The SDK binds each invocation to the host's trace context, so the
 * event carries the host request's operation_Id: `requests | join customEvents on operation_Id`.
 * Auto-collection of requests, performance counters, console and live metrics is off (the host does
 * requests; the rest costs ingestion for nothing here); dependencies (Table Storage, Key Vault) and
 * exceptions stay on.
 */
export function createAppInsightsTelemetry(
  connectionString: string,
  options: AppInsightsOptions = {},
): AppInsightsTelemetry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const appInsights = options.sdk ?? (require("applicationinsights") as AppInsightsSdk);
  const credential = options.credential ?? defaultCredential();
  appInsights
    .setup(connectionString)
    .setAutoCollectRequests(false)
    .setAutoCollectPerformance(false, false)
    .setAutoCollectConsole(false, false)
    .setAutoCollectPreAggregatedMetrics(false)
    .setSendLiveMetrics(false)
    .setAutoCollectDependencies(true)
    .setAutoCollectExceptions(true);
  const client = appInsights.defaultClient;
  // Before start(): the SDK reads its configuration once, when it starts.
  client.config.aadTokenCredential = credential;
  appInsights.start();
  return {
    trackRequest(request) {
      client.trackEvent({
        name: REQUEST_EVENT_NAME,
        properties: requestProperties(request),
        measurements: {
          durationMs: request.durationMs,
          ...(request.storageRoundTrips === undefined
            ? {}
            : { storageRoundTrips: request.storageRoundTrips }),
        },
      });
    },
    trackEvent(event) {
      client.trackEvent({ name: event.name, properties: eventProperties(event) });
    },
    flush: () => client.flush(),
    async shutdown() {
      await client.flush();
      appInsights.dispose();
    },
  };
}

function defaultCredential(): TokenCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new DefaultAzureCredential();
}
