import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { Config } from "../config";
import { roundTripCountingPolicy } from "./roundTrips";

const clientOptions: TableServiceClientOptions = {
  additionalPolicies: [{ policy: roundTripCountingPolicy, position: "perRetry" }],
};

function tableClient(config: Config, table: string): TableClient {
  if (config.STORAGE_CONNECTION_STRING !== undefined) {
    const insecure = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|TableEndpoint=http:/i.test(
      config.STORAGE_CONNECTION_STRING,
    );
    return TableClient.fromConnectionString(config.STORAGE_CONNECTION_STRING, table, {
      ...clientOptions,
      allowInsecureConnection: insecure,
    });
  }
  // Loaded only in Azure: @azure/identity is heavy and slows every cold start otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
  return new TableClient(
    String(config.STORAGE_TABLE_ENDPOINT),
    table,
    new DefaultAzureCredential(),
    clientOptions,
  );
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
