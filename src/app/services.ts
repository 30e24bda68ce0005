import { loadConfig, type Config } from "../config";
import { groupResourceType, userResourceType } from "../scim/schema/resourceType";
import { ResourceService } from "../service/resourceService";
import { groupKind, userKind } from "../store/resourceKinds";
import { openTables, type Tables } from "../store/tableClients";
import { TableResourceStore } from "../store/tableResourceStore";
import { TableTenants } from "../store/tableTenants";
import { Authenticator } from "../tenants/authenticator";
import { TenantAdmin } from "../tenants/tenantAdmin";

/** Everything a request needs, built once per process from the validated configuration. */
export interface Services {
  readonly config: Config;
  readonly tables: Tables;
  readonly users: ResourceService;
  readonly groups: ResourceService;
  readonly authenticator: Authenticator;
  readonly tenants: TenantAdmin;
}

const MISS_REFRESH_MS = 5_000;

export function createServices(config: Config): Services {
  const tables = openTables(config);
  const tenantStore = new TableTenants(tables.tenants);
  return {
    config,
    tables,
    users: new ResourceService(userResourceType, new TableResourceStore(tables.resources, userKind)),
    groups: new ResourceService(groupResourceType, new TableResourceStore(tables.resources, groupKind)),
    authenticator: new Authenticator(tenantStore, tenantStore, {
      cacheTtlMs: config.AUTH_CACHE_TTL_SECONDS * 1000,
      missRefreshMs: Math.min(MISS_REFRESH_MS, config.AUTH_CACHE_TTL_SECONDS * 1000),
    }),
    tenants: new TenantAdmin(tenantStore, tenantStore),
  };
}

let current: Services | undefined;

/** The process-wide services; configuration is validated on first use (at start-up in the host). */
export function services(): Services {
  current ??= createServices(loadConfig());
  return current;
}

/** Lets the local host and tests run the same handlers against services they built. */
export function useServices(value: Services): void {
  current = value;
}
