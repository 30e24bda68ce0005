/** Application Insights telemetry of the SCIM endpoints: request tags and provisioning events. */
export type * from "./types";
export { PROVISIONING_EVENT_NAMES } from "./types";
export { noTelemetry } from "./noop";
export { isTelemetryOn, startTelemetry, telemetry, useTelemetry, type TelemetrySettings } from "./sink";
export { markUnauthenticated, observeScimRequest, type ScimRequestObservation } from "./request";
