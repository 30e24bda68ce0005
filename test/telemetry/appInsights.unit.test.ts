import type { TokenCredential } from "@azure/identity";
import { createAppInsightsTelemetry } from "../../src/telemetry/appInsights";
import { fakeSdk } from "./fakeSdk";

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: "entra", expiresOnTimestamp: Date.now() + 60_000 }),
};

describe("Application Insights telemetry", () => {
  it("authenticates ingestion with the Entra credential, set before the SDK starts", () => {
    const { sdk, calls, config } = fakeSdk();
    createAppInsightsTelemetry("InstrumentationKey=x;IngestionEndpoint=https://example.invalid/", {
      credential,
      sdk,
    });
    expect(config.aadTokenCredential).toBe(credential);
    expect(calls[0]).toBe("setup(InstrumentationKey=x;IngestionEndpoint=https://example.invalid/)");
    expect(calls).toContain("start(credential set)");
    // The host writes the requests table; the SDK must not add a second row per request.
    expect(calls).toContain("setAutoCollectRequests(false)");
    expect(calls).toContain("setSendLiveMetrics(false)");
  });

  it("sends request tags as a ScimRequest custom event, with numbers as measurements", () => {
    const { sdk, sent } = fakeSdk();
    const telemetry = createAppInsightsTelemetry("InstrumentationKey=x", { credential, sdk });
    telemetry.trackRequest({
      tenantId: "contoso",
      resource: "Users",
      operation: "create",
      outcome: "clientError",
      status: 409,
      errorType: "uniqueness",
      route: "scimUsers",
      method: "POST",
      correlationId: "c-1",
      durationMs: 12,
      storageRoundTrips: 1,
    });
    expect(sent).toEqual([
      {
        name: "ScimRequest",
        properties: {
          tenantId: "contoso",
          resource: "Users",
          operation: "create",
          outcome: "clientError",
          status: "409",
          errorType: "uniqueness",
          route: "scimUsers",
          method: "POST",
          correlationId: "c-1",
        },
        measurements: { durationMs: 12, storageRoundTrips: 1 },
      },
    ]);
  });

  it("sends provisioning events with the tenant and resource ids, details as strings", async () => {
    const { sdk, sent, calls } = fakeSdk();
    const telemetry = createAppInsightsTelemetry("InstrumentationKey=x", { credential, sdk });
    telemetry.trackEvent({
      name: "MembersChanged",
      tenantId: "contoso",
      resource: "Groups",
      resourceId: "g-1",
      correlationId: "c-2",
      details: { membersAdded: 2, membersRemoved: 0 },
    });
    expect(sent).toEqual([
      {
        name: "MembersChanged",
        properties: {
          membersAdded: "2",
          membersRemoved: "0",
          tenantId: "contoso",
          resource: "Groups",
          resourceId: "g-1",
          correlationId: "c-2",
        },
      },
    ]);
    await telemetry.shutdown();
    expect(calls.slice(-2)).toEqual(["flush", "dispose"]);
  });
});
