import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { TableTenants } from "../../src/store/tableTenants";

/** A TableTenants on a fresh table in the Azurite that globalSetup started. */
export async function freshTenantTable(): Promise<TableTenants> {
  const name = `ten${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const client = TableClient.fromConnectionString(process.env.STORAGE_CONNECTION_STRING ?? "", name, {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return new TableTenants(client);
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    date: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export const SECOND = 1000;
export const DAY = 24 * 60 * 60 * SECOND;
