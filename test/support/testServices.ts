import { randomUUID } from "node:crypto";
import {
  createServices,
  stopBackgroundWork,
  type ServiceOverrides,
  type AppServices,
} from "../../src/app/composition";
import { loadConfig } from "../../src/config";
import { createRoutes } from "../../src/http/routes";
import { ensureQueues } from "../../src/store/storageQueues";
import { ensureTables } from "../../src/store/tableClients";
import type { LogHandler } from "@azure/functions";
import { startLocalHost, type LocalHost } from "../../tools/localHost";

function uniqueTableName(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

/** Services over fresh tables in the Azurite that globalSetup started. */
export async function createTestServices(
  overrides: NodeJS.ProcessEnv = {},
  serviceOverrides: ServiceOverrides = {},
): Promise<AppServices> {
  if (process.env.SCIM_TEST_LANE === "unit") {
    throw new Error(
      "This test needs Azurite, which the unit lane does not start: move it out of test/scim/, test/lib/ or " +
        "test/repository/, or drop `.unit` from its name (jest.unit.config.js).",
    );
  }
  const services = createServices(
    loadConfig({
      ...process.env,
      RESOURCES_TABLE: uniqueTableName("res"),
      TENANTS_TABLE: uniqueTableName("ten"),
      // Own queues too, so one test's poller never takes another test's messages.
      WEBHOOK_QUEUE_PREFIX: uniqueTableName("wh").toLowerCase(),
      ...overrides,
    }),
    serviceOverrides,
  );
  await Promise.all([ensureTables(services.tables), ensureQueues(services.queues)]);
  return services;
}

export interface TestTenant {
  readonly tenantId: string;
  readonly token: string;
  /** The Tenant URL an admin would paste into Entra. */
  readonly tenantUrl: string;
}

export interface TestHost {
  readonly services: AppServices;
  readonly host: LocalHost;
  createTenant(prefix?: string): Promise<TestTenant>;
  close(): Promise<void>;
}

/** The local HTTP host serving the route table, on a free port, over test services. */
export async function startTestHost(
  overrides: NodeJS.ProcessEnv = {},
  log: LogHandler = () => undefined,
  serviceOverrides: ServiceOverrides = {},
): Promise<TestHost> {
  const services = await createTestServices(overrides, serviceOverrides);
  const host = await startLocalHost(0, createRoutes(services), log);
  return {
    services,
    host,
    async createTenant(prefix = "t") {
      const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
      const token = await services.tenants.create(tenantId);
      return { tenantId, token, tenantUrl: `${host.origin}/scim/v2/${tenantId}` };
    },
    close: () => {
      stopBackgroundWork(services);
      return host.close();
    },
  };
}

/** A minimal SCIM client for tests: bearer token, SCIM content type, JSON bodies. */
export function scimClient(tenant: TestTenant) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${tenant.tenantUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${tenant.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/scim+json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text),
    };
  };
}

/** A new OAuth client of the tenant and an access token issued to it by the token endpoint (form credentials). */
export async function issueAccessToken(
  harness: TestHost,
  tenant: TestTenant,
): Promise<{ clientId: string; clientSecret: string; accessToken: string }> {
  const { clientId, clientSecret } = await harness.services.tenants.createClient(tenant.tenantId);
  const issued = await fetch(`${tenant.tenantUrl}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  if (issued.status !== 200) throw new Error(`the token endpoint answered ${String(issued.status)}`);
  const { access_token: accessToken } = (await issued.json()) as { access_token: string };
  return { clientId, clientSecret, accessToken };
}
