import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { Config } from "../config";
import { guardedDeletePolicy } from "./guardedDelete";
import { roundTripCountingPolicy } from "./roundTrips";

/**
 * The SDK's defaults are 3 retries from 1 s doubling (7+ s per call on a 503) and no timeout at all.
 * A storage fault must reach Entra as a 503 well within its 60 s budget, so: a timeout on every try
 * (a timed-out try is not retried: the write may have landed) and shorter pauses between retries.
 */
function clientOptions(config: Config): TableServiceClientOptions {
  const timeout = config.STORAGE_TIMEOUT_SECONDS * 1000;
  const timeoutPolicy: PipelinePolicy = {
    name: "scimStorageTimeout",
    sendRequest: (request, next) => {
      if (request.timeout === 0) request.timeout = timeout;
      return next(request);
    },
  };
  return {
    retryOptions: { maxRetries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000 },
    additionalPolicies: [
      { policy: roundTripCountingPolicy, position: "perRetry" },
      { policy: timeoutPolicy, position: "perCall" },
      { policy: guardedDeletePolicy, position: "perCall" },
    ],
  };
}

function tableClient(config: Config, table: string): TableClient {
  const options = clientOptions(config);
  if (config.STORAGE_CONNECTION_STRING !== undefined) {
    const insecure = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|TableEndpoint=http:/i.test(
      config.STORAGE_CONNECTION_STRING,
    );
    return TableClient.fromConnectionString(config.STORAGE_CONNECTION_STRING, table, {
      ...options,
      allowInsecureConnection: insecure,
    });
  }
  // Loaded only in Azure: @azure/identity is heavy and slows every cold start otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new TableClient(String(config.STORAGE_TABLE_ENDPOINT), table, new DefaultAzureCredential(), options);
}

export interface Tables {
  readonly resources: TableClient;
  readonly tenants: TableClient;
}

export function openTables(config: Config): Tables {
  return {
    resources: tableClient(config, config.RESOURCES_TABLE),
    tenants: tableClient(config, config.TENANTS_TABLE),
  };
}

/** Creates the tables if missing (local runs and tests; in Azure the Bicep creates them). */
export async function ensureTables(tables: Tables): Promise<void> {
  await Promise.all([tables.resources.createTable(), tables.tenants.createTable()]);
}
