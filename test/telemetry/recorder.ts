import type { ProvisioningEvent, RequestTelemetry, Telemetry } from "../../src/telemetry";

/** A Telemetry that keeps every call, for assertions. */
export class RecordingTelemetry implements Telemetry {
  readonly requests: RequestTelemetry[] = [];
  readonly events: ProvisioningEvent[] = [];

  trackRequest(request: RequestTelemetry): void {
    this.requests.push(request);
  }

  trackEvent(event: ProvisioningEvent): void {
    this.events.push(event);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  clear(): void {
    this.requests.length = 0;
    this.events.length = 0;
  }

  /** Everything recorded, as the text a property value could carry. */
  serialized(): string {
    return JSON.stringify({ requests: this.requests, events: this.events });
  }
}
