import type { Config } from "../config";
import { TenantConcurrency } from "../service/tenantConcurrency";
import { TenantThrottle } from "../service/tenantThrottle";
import { DebugMode } from "../diagnostics/debugMode";
import { CachedHealth } from "../diagnostics/health";
import { RequestStats, type StatsStore } from "../diagnostics/requestStats";
import { groupResourceType, userResourceType } from "../scim/schema/resourceType";
import type { AuditLog } from "../service/auditLog";
import { GroupService } from "../service/groupService";
import { ResourceService } from "../service/resourceService";
import { TenantResourceTypes, type TenantSchemaRepository } from "../service/tenantResourceTypes";
import { UserService } from "../service/userService";
import { EventFeed } from "../events/eventFeed";
import { DirectoryReader } from "../directory/directoryReader";
import { openQueues, type StorageQueues } from "../store/storageQueues";
import { TableWebhookStore } from "../store/tableWebhookStore";
import { ChangeNotifier } from "../webhooks/changeNotifier";
import { RefreshingCache } from "../lib/refreshingCache";
import { httpSender, type WebhookSender } from "../webhooks/sender";
import { WebhookAdmin } from "../webhooks/webhookAdmin";
import { DELIVERIES_PER_INSTANCE, WebhookDelivery } from "../webhooks/webhookDelivery";
import type { EventLog } from "../events/eventLog";
import { TableEventLog } from "../store/tableEventLog";
import { groupKind, userKind } from "../store/resourceKinds";
import { TableAuditLog } from "../store/tableAuditLog";
import { TableBookmarks } from "../store/tableBookmarks";
import { TableStatsStore } from "../store/tableStatsStore";
import { openTables, type Tables } from "../store/tableClients";
import { TableMembershipStore } from "../store/tableMembershipStore";
import { TableResourceStore } from "../store/tableResourceStore";
import { TableTenantSchemas } from "../store/tableTenantSchemas";
import { TableReplayGuard } from "../store/tableReplayGuard";
import { TableTenants } from "../store/tableTenants";
import { TableTrusts } from "../store/tableTrusts";
import { AccessTokens } from "../tenants/accessTokens";
import { Authenticator } from "../tenants/authenticator";
import type { CredentialStore } from "../tenants/credentialStore";
import { createSecretClient } from "../tenants/keyVaultClient";
import { KeyVaultCredentialStore } from "../tenants/keyVaultCredentialStore";
import { AssertionVerifier, DEFAULT_ASSERTION_OPTIONS } from "../tenants/federation/assertionVerifier";
import { DEFAULT_JWKS_OPTIONS, JwksCache } from "../tenants/federation/jwksCache";
import { TrustAdmin } from "../tenants/federation/trustAdmin";
import { TrustSource } from "../tenants/federation/trustSource";
import { SigningKeys } from "../tenants/signingKeys";
import { TenantAdmin } from "../tenants/tenantAdmin";
import { AppKeyAdmin } from "../tenants/appKeys";
import { PortalSessions, DEFAULT_PORTAL_SESSION_OPTIONS } from "../tenants/portal/portalSessions";
import { SetupLinks } from "../tenants/portal/setupLinks";
import { TablePortalStore } from "../store/tablePortalStore";

/**
 * Everything the handlers and jobs need, built by `createServices` from the validated configuration. The
 * composition root: each host (the Functions entry, the local host, the CLI, a test) builds its own and
 * hands it on explicitly; nothing in `src/` keeps one in a module variable.
 */
export interface AppServices {
  readonly config: Config;
  readonly tables: Tables;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly authenticator: Authenticator;
  readonly accessTokens: AccessTokens;
  readonly tenants: TenantAdmin;
  /** Workload identity federation: each tenant's trusted issuers, and the assertions they sign. */
  readonly trusts: TrustAdmin;
  readonly assertions: AssertionVerifier;
  readonly jwks: JwksCache;
  /** Each tenant's request rate on this instance (429 above it). */
  readonly throttle: TenantThrottle;
  /** Caps each tenant's requests working at once (see TenantConcurrency). */
  readonly concurrency: TenantConcurrency;
  /** Each tenant's audit trail: written with every change, read by the CLI and the admin endpoint. */
  readonly auditLog: AuditLog;
  readonly requestStats: RequestStats;
  readonly statsStore: StatsStore;
  readonly debugMode: DebugMode;
  /** Storage and credential-store reachability, for GET /health (checked at most every 10 s). */
  readonly health: CachedHealth;
  /** Each tenant's declared extension attributes, and the resource types built from them (cached). */
  readonly tenantSchemas: TenantSchemaRepository;
  readonly resourceTypes: TenantResourceTypes;
  /** Each tenant's directory events, numbered from the outbox rows its changes commit. */
  readonly eventLog: EventLog;
  readonly eventFeed: EventFeed;
  /** The application's read view of each tenant's directory. */
  readonly directory: DirectoryReader;
  /** The webhook queues; undefined when the storage has no queue service. */
  readonly queues?: StorageQueues;
  /** Fan-out and delivery (the queue handlers' work); undefined without queues. */
  readonly webhookDelivery?: WebhookDelivery;
  readonly webhooks: WebhookAdmin;
  /** Told after every successful SCIM change; queues a fan-out without making the request wait. */
  readonly changes: ChangeNotifier;
  /** Applications' read keys (the directory read API and the event feed). */
  readonly appKeys: AppKeyAdmin;
  /** The operator's one-time links into the self-service portal, and the sessions they start. */
  readonly setupLinks: SetupLinks;
  readonly portalSessions: PortalSessions;
}

/** What tests (and tools) may put in place of the configured parts. */
export interface ServiceOverrides {
  /** Instead of Key Vault or the table: e.g. a Key Vault store on a test SecretClient. */
  readonly credentials?: CredentialStore;
  readonly clock?: () => number;
  /** Where the JWKS cache reports an issuer it cannot reach (default: a JSON line on stderr). */
  readonly federationLog?: (line: Record<string, unknown>) => void;
  /** Instead of HTTP(S) POSTs to the endpoints. */
  readonly webhookSender?: WebhookSender;
}

const MISS_REFRESH_MS = 5_000;
/** How soon a running instance notices a tenant's first (or last) webhook endpoint. */
const LISTENING_TTL_MS = 30_000;
const KEY_VAULT_TIMEOUT_MS = 5_000;
/** Webhook deliveries at once to one endpoint, in one instance. */
const MAX_DELIVERIES_PER_ENDPOINT = 4;

function credentialStore(config: Config, tableStore: TableTenants): CredentialStore {
  if (config.KEY_VAULT_URI === undefined) return tableStore;
  return new KeyVaultCredentialStore(createSecretClient(config.KEY_VAULT_URI), {
    timeoutMs: KEY_VAULT_TIMEOUT_MS,
  });
}

/**
 * Stops what the services run in the background on their own timers: change notices still waiting,
 * and the periodic write of request counts. A host that stops calls it; otherwise every host ever made
 * in a process (tests, the bench) keeps writing its counts to storage every 30 s, even storage that is gone.
 */
export function stopBackgroundWork(services: Pick<AppServices, "changes" | "requestStats">): void {
  services.changes.stop();
  services.requestStats.stop();
}

export function createServices(config: Config, overrides: ServiceOverrides = {}): AppServices {
  const tables = openTables(config);
  const tenantStore = new TableTenants(tables.tenants);
  const credentials = overrides.credentials ?? credentialStore(config, tenantStore);
  const clock = overrides.clock ? { clock: overrides.clock } : {};
  const cacheTtlMs = config.AUTH_CACHE_TTL_SECONDS * 1000;
  const cache = { cacheTtlMs, missRefreshMs: Math.min(MISS_REFRESH_MS, cacheTtlMs), ...clock };
  const accessTokens = new AccessTokens(new SigningKeys(credentials, cache), {
    lifetimeSeconds: config.ACCESS_TOKEN_LIFETIME_MINUTES * 60,
    ...clock,
  });
  const now = overrides.clock;
  const memberships = new TableMembershipStore(tables.resources);
  const statsStore = new TableStatsStore(tables.resources);
  const auditLog = new TableAuditLog(tables.resources);
  const tenantSchemas = new TableTenantSchemas(tables.tenants);
  const trustStore = new TableTrusts(tables.tenants);
  const bookmarks = new TableBookmarks(tables.resources, now);
  const tenantAdmin = new TenantAdmin(
    tenantStore,
    credentials,
    now ? () => new Date(now()) : undefined,
    auditLog,
  );
  const trustSource = new TrustSource(trustStore, cache);
  const jwks = new JwksCache({
    ...DEFAULT_JWKS_OPTIONS,
    ...clock,
    log:
      overrides.federationLog ??
      ((line) => {
        console.warn(JSON.stringify(line));
      }),
  });
  const eventLog = new TableEventLog(tables.resources);
  const queues = openQueues(config);
  const webhookStore = new TableWebhookStore(tables.tenants);
  // Locally (a connection string): http to loopback and private targets are allowed.
  const targetPolicy = { local: config.STORAGE_CONNECTION_STRING !== undefined };
  const logLine = (line: Record<string, unknown>) => {
    console.log(JSON.stringify(line));
  };
  // Whether a tenant has an endpoint that receives (enabled, not paused): a change of a tenant
  // without one queues nothing, so a dead endpoint costs its tenant's writes no queue message.
  const listening = new RefreshingCache(
    async (tenantId) =>
      (await webhookStore.endpoints(tenantId)).some(
        (endpoint) => endpoint.status === "enabled" && !endpoint.paused,
      ),
    { failureBackoffMs: LISTENING_TTL_MS },
  );
  const webhookDelivery = queues
    ? new WebhookDelivery({
        store: webhookStore,
        events: eventLog,
        credentials,
        queues,
        send: overrides.webhookSender ?? httpSender(targetPolicy, config.WEBHOOK_TIMEOUT_SECONDS * 1000),
        auditLog,
        log: logLine,
        autoDisableAfterMs: config.WEBHOOK_AUTO_DISABLE_HOURS * 60 * 60 * 1000,
        maxInFlightPerEndpoint: MAX_DELIVERIES_PER_ENDPOINT,
        maxInFlight: DELIVERIES_PER_INSTANCE,
        busyWaitSeconds: config.WEBHOOK_TIMEOUT_SECONDS,
        changed: (tenantId) => {
          listening.forget(tenantId);
        },
        ...(now ? { clock: () => new Date(now()) } : {}),
      })
    : undefined;

  const userStore = new TableResourceStore(tables.resources, userKind);
  const groupStore = new TableResourceStore(tables.resources, groupKind);
  const authenticator = new Authenticator(
    tenantStore,
    credentials,
    accessTokens,
    { ...cache, unknownTenantRead: (tenantId) => tenantStore.read(tenantId) },
    trustSource,
  );
  const portalStore = new TablePortalStore(tables.tenants);
  const dateClock = now ? { clock: () => new Date(now()) } : {};
  return {
    setupLinks: new SetupLinks(portalStore, tenantStore, auditLog, dateClock.clock),
    portalSessions: new PortalSessions(portalStore, tenantStore, {
      ...DEFAULT_PORTAL_SESSION_OPTIONS,
      ...dateClock,
    }),
    eventLog,
    eventFeed: new EventFeed(eventLog),
    appKeys: new AppKeyAdmin(
      tenantStore,
      credentials,
      auditLog,
      now ? () => new Date(now()) : undefined,
      (id) => {
        authenticator.forget(id);
      },
    ),
    config,
    tables,
    auditLog,
    requestStats: new RequestStats(
      statsStore,
      async (tenantId) => (await tenantStore.get(tenantId)) !== undefined,
    ),
    statsStore,
    debugMode: new DebugMode(tenantStore, Date.now, cacheTtlMs),
    health: new CachedHealth([
      {
        name: "storage",
        check: async () => {
          await tenantStore.get("~health");
        },
      },
      {
        name: "credentials",
        check: async () => {
          await credentials.readSigningKeys();
        },
      },
      {
        name: "federationKeys",
        advisory: true,
        check: () => {
          const { servingLastGood, unavailable } = jwks.status();
          if (servingLastGood + unavailable === 0) return Promise.resolve();
          return Promise.reject(
            new Error(
              `${servingLastGood} issuer key sets served from the last good fetch, ${unavailable} unavailable`,
            ),
          );
        },
      },
    ]),
    users: new UserService(
      new ResourceService(userResourceType, userStore, undefined, bookmarks),
      memberships,
    ),
    groups: new GroupService(
      new ResourceService(groupResourceType, groupStore, undefined, bookmarks),
      memberships,
    ),
    directory: new DirectoryReader(userStore, groupStore, memberships),
    ...(queues ? { queues } : {}),
    ...(webhookDelivery ? { webhookDelivery } : {}),
    webhooks: new WebhookAdmin(
      webhookStore,
      credentials,
      eventLog,
      webhookDelivery,
      targetPolicy,
      now ? () => new Date(now()) : undefined,
      (tenantId) => {
        listening.forget(tenantId);
      },
    ),
    changes: new ChangeNotifier(
      queues?.fanOut,
      (tenantId) => listening.get(tenantId, LISTENING_TTL_MS),
      (error) => {
        logLine({
          event: "webhook.notifyFailed",
          error: error instanceof Error ? error.message : String(error),
        });
      },
    ),
    authenticator,
    accessTokens,
    tenants: tenantAdmin,
    trusts: new TrustAdmin(
      trustStore,
      (tenantId) => tenantAdmin.exists(tenantId),
      () => tenantAdmin.ensureSigningKey(),
      auditLog,
      now ? () => new Date(now()) : undefined,
    ),
    assertions: new AssertionVerifier(trustSource, jwks, new TableReplayGuard(tables.tenants, now), {
      ...DEFAULT_ASSERTION_OPTIONS,
      ...clock,
    }),
    jwks,
    throttle: new TenantThrottle({
      ratePerSecond: config.THROTTLE_REQUESTS_PER_SECOND,
      burst: config.THROTTLE_BURST,
      maxQueued: config.THROTTLE_MAX_QUEUED,
      maxWaitMs: config.THROTTLE_MAX_WAIT_SECONDS * 1000,
      ...clock,
    }),
    concurrency: new TenantConcurrency({
      maxInFlight: config.THROTTLE_MAX_IN_FLIGHT,
      maxQueued: config.THROTTLE_MAX_QUEUED,
      maxWaitMs: config.THROTTLE_MAX_WAIT_SECONDS * 1000,
    }),
    tenantSchemas,
    resourceTypes: new TenantResourceTypes(tenantSchemas, {
      cacheTtlMs,
      failureBackoffMs: cache.missRefreshMs,
      ...clock,
    }),
  };
}
