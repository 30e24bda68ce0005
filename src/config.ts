import { z } from "zod";

/** The app's settings; exported so a test can check them against the app settings the Bicep sets. */
export const configSchema = z
  .object({
    /** Local runs and tests: an Azurite (or account-key) connection string. */
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    /** In Azure: the Table endpoint, reached with the managed identity (no keys). */
    STORAGE_TABLE_ENDPOINT: z.url().optional(),
    RESOURCES_TABLE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
      .default("scimResources"),
    TENANTS_TABLE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
      .default("scimTenants"),
    /**
     * How long one storage call may take before it is abandoned (and the request answers 503). The
     * Table SDK sets no timeout of its own: without one, a stalled connection holds a request forever.
     */
    STORAGE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
    /** How long verified credentials are trusted in memory: a revoke takes effect within this time. */
    AUTH_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    /** When set (in Azure), tenants' credentials live in this Key Vault; otherwise in the tenants table. */
    KEY_VAULT_URI: z.preprocess((value) => (value === "" ? undefined : value), z.url().optional()),
    /** When set (in Azure), custom telemetry goes to this Application Insights component; else nowhere. */
    APPLICATIONINSIGHTS_CONNECTION_STRING: z.preprocess(
      (value) => (value === "" ? undefined : value),
      z.string().min(1).optional(),
    ),
    /** Lifetime of OAuth access tokens: 60 minutes to 6 hours, as Entra's gallery rules ask. */
    ACCESS_TOKEN_LIFETIME_MINUTES: z.coerce.number().int().min(60).max(360).default(60),
    /**
     * Per tenant and per instance: requests per second a tenant may keep up, and how many it may start
     * at once after a quiet spell; past those its requests are paced, each waiting for its turn at the
     * rate (at most THROTTLE_MAX_QUEUED of them, each at most THROTTLE_MAX_WAIT_SECONDS), and only the
     * next gets 429 with Retry-After. Entra documents 25 per second per tenant; the rate leaves room for
     * initial cycles. A small burst keeps a busy job's restart from landing on storage all at once
     * (docs/performance.md). 0 turns throttling off.
     */
    THROTTLE_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(100_000).default(50),
    THROTTLE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /**
     * Per tenant and per instance: requests doing work at once (the rest wait, in the tenant's own
     * queue, before any body read or storage call), and how many may wait; one more gets 429.
     * Entra's 25 requests per second need about 3 at once at 100 ms each; 4 lets a tenant run at its
     * rate while no more than 4 of its requests share storage with other tenants' at any moment (more
     * let a busy job's bursts raise other tenants' latency: docs/performance.md). 0 turns the cap off.
     */
    THROTTLE_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(10_000).default(4),
    THROTTLE_MAX_QUEUED: z.coerce.number().int().min(0).max(100_000).default(64),
    /**
     * Seconds a queued request may wait for one of its tenant's slots; then 429 with Retry-After, and it
     * never reaches storage. A full queue drains in about 2 s at 100 ms a request (64 / 4 × 0.1 s):
     * waiting longer means the tenant's own requests are stuck, and holding the connection helps nobody.
     */
    THROTTLE_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
    /** Audit records older than this are deleted by the hourly retention job. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /**
     * In Azure: the queue endpoint of the storage account (the Functions host's own setting, which
     * its queue triggers read too); the webhook queues live there. Locally the connection string's
     * QueueEndpoint is used instead.
     */
    AzureWebJobsStorage__queueServiceUri: z.url().optional(),
    /** Webhook queues are `<prefix>-fanout`, `<prefix>-deliveries` (and their `-poison` queues). */
    WEBHOOK_QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,40}$/)
      .default("scim-webhook"),
    /**
     * How long one webhook delivery may take, connection to answer; slower counts as failed (and
     * pauses the endpoint). Short, because a hanging endpoint holds a connection this long.
     */
    WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
    /** An endpoint whose deliveries fail without a success for this long is disabled. */
    WEBHOOK_AUTO_DISABLE_HOURS: z.coerce.number().int().min(1).max(720).default(120),
    /** Directory events older than this leave the feed; a consumer's older cursor then gets 410. */
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /**
     * SHA-256 (hex) of the operator's admin token for /ops/... endpoints (audit, summary); the
     * admin endpoints answer 404 while it is unset. `npm run tenant -- admin-token` makes one.
     */
    ADMIN_TOKEN_SHA256: z.preprocess(
      (value) => (value === "" ? undefined : value),
      z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    ),
  })
  .refine(
    (config) => config.STORAGE_CONNECTION_STRING !== undefined || config.STORAGE_TABLE_ENDPOINT !== undefined,
    {
      error: "Set STORAGE_CONNECTION_STRING (local) or STORAGE_TABLE_ENDPOINT (Azure, managed identity).",
    },
  );

export type Config = z.infer<typeof configSchema>;

/** Reads and validates the environment once; a bad setting fails at start-up, not on a request. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "config"}: ${issue.message}`,
    );
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
