import type { TokenCredential } from "@azure/identity";
import type { AppInsightsSdk } from "../../src/telemetry/appInsights";

/** A stand-in for the `applicationinsights` module that records how it is configured and used. */
export function fakeSdk() {
  const calls: string[] = [];
  const sent: {
    name: string;
    properties?: Record<string, unknown>;
    measurements?: Record<string, number>;
  }[] = [];
  const config: { aadTokenCredential?: TokenCredential } = {};
  const configuration: Record<string, (...args: unknown[]) => unknown> = {};
  for (const method of [
    "setAutoCollectRequests",
    "setAutoCollectPerformance",
    "setAutoCollectConsole",
    "setAutoCollectPreAggregatedMetrics",
    "setSendLiveMetrics",
    "setAutoCollectDependencies",
    "setAutoCollectExceptions",
  ]) {
    configuration[method] = (...args: unknown[]) => {
      calls.push(`${method}(${args.map(String).join(",")})`);
      return configuration;
    };
  }
  const sdk = {
    setup: (connectionString?: string) => {
      calls.push(`setup(${String(connectionString)})`);
      return configuration;
    },
    start: () => {
      calls.push(`start(credential ${config.aadTokenCredential ? "set" : "missing"})`);
      return configuration;
    },
    dispose: () => {
      calls.push("dispose");
    },
    defaultClient: {
      config,
      trackEvent: (event: (typeof sent)[number]) => {
        sent.push(event);
      },
      flush: () => {
        calls.push("flush");
        return Promise.resolve();
      },
    },
  } as unknown as AppInsightsSdk;
  return { sdk, calls, sent, config };
}
