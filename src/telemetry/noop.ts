import type { Telemetry } from "./types";

/** Local runs and tests without a connection string: nothing is collected, nothing is loaded. */
export const noTelemetry: Telemetry = {
  trackRequest: () => undefined,
  trackEvent: () => undefined,
  flush: () => Promise.resolve(),
};
