import { createAppInsightsTelemetry } from "./appInsights";
import { noTelemetry } from "./noop";
import type { Telemetry } from "./types";

let current: Telemetry = noTelemetry;

/** The process-wide telemetry sink: no-op until `startTelemetry` (or a test's `useTelemetry`). */
export function telemetry(): Telemetry {
  return current;
}

/** Whether anything is collected: without a sink, work done only to report (reading a body) is skipped. */
export function isTelemetryOn(): boolean {
  return current !== noTelemetry;
}

/** Lets tests capture what the HTTP layer reports. */
export function useTelemetry(value: Telemetry): void {
  current = value;
}

export interface TelemetrySettings {
  readonly APPLICATIONINSIGHTS_CONNECTION_STRING?: string | undefined;
}

/**
 * Starts Application Insights when a connection string is configured (in Azure); otherwise keeps the
 * no-op sink and loads nothing. Called once at start-up, before the first invocation, so the SDK's
 * Azure Functions hook ties custom events to the host's request.
 */
export function startTelemetry(settings: TelemetrySettings): Telemetry {
  const connectionString = settings.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (connectionString !== undefined && connectionString !== "" && current === noTelemetry) {
    current = createAppInsightsTelemetry(connectionString);
  }
  return current;
}
