import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { measureColdStart, type ColdStartResult } from "./coldStart";
import { startEnvironment, type BenchEnvironment } from "./environment";
import { measureDiscovery, type DiscoveryResult } from "./discovery";
import { measureGrowth, type GrowthResult } from "./growth";
import { runInitialCycle, type InitialCycleResult } from "./initialCycle";
import { BareServer } from "./layers";
import { measureOperation, type OperationResult } from "./measure";
import {
  measureNoisyNeighbour,
  type NoisyNeighbourOptions,
  type NoisyNeighbourResult,
} from "./noisyNeighbour";
import { benchOperations } from "./operations";
import { profileOperation, type ProfileSummary } from "./profile";
import { groupRows, seedResources, userRows } from "./rows";
import { measureThrottle, type ThrottleBenchOptions, type ThrottleResult } from "./throttle";

import { measureWebhookIsolation, type WebhookIsolationResult } from "./webhooks";
import { measurePortal, type PortalBenchResult } from "./portal";

export type Section =
  | "operations"
  | "throttle"
  | "growth"
  | "cycle"
  | "noisyNeighbour"
  | "discovery"
  | "webhooks"
  | "portal"
  | "coldStart";
export const SECTIONS: readonly Section[] = [
  "operations",
  "throttle",
  "growth",
  "cycle",
  "noisyNeighbour",
  "discovery",
  "webhooks",
  "portal",
  "coldStart",
];

export interface BenchOptions {
  readonly sections: readonly Section[];
  readonly concurrencies: readonly number[];
  /** Timed operations per measurement (one operation, one side, one concurrency)… */
  readonly requests?: number;
  /** …or time per measurement. */
  readonly durationMs?: number;
  readonly warmup: number;
  /** Raw and SCIM alternate this many times per measurement. */
  readonly rounds: number;
  /** Existing users the read and update operations spread over. */
  readonly workingUsers: number;
  readonly groups: number;
  readonly growth: { readonly smallUsers: number; readonly largeUsers: number; readonly requests: number };
  readonly cycle: { readonly users: number; readonly groups: number; readonly concurrency: number };
  readonly noisyNeighbour: Omit<NoisyNeighbourOptions, "log">;
  readonly coldStartRuns: number;
  /** Account Discovery: a tenant of `users` walked with startIndex and with cursors, pages of `pageSize`. */
  readonly discovery: { readonly users: number; readonly pageSize: number };
  /** Throttling: tenant B's latency beside tenant A's authenticated flood, throttle on and off. */
  readonly throttle: Omit<ThrottleBenchOptions, "log">;
  /** SCIM creates per tenant setup (none, healthy endpoint, hanging endpoint), split over rounds. */
  readonly webhooks: { readonly requests: number; readonly concurrency: number; readonly rounds: number };
  /** The portal's views: a tenant of `users`, `requests` timed per view (and as many on an empty one). */
  readonly portal: { readonly users: number; readonly requests: number };
  /** Profile each operation's SCIM requests after measuring them; write the .cpuprofile files here ("" = do not write). */
  readonly profileDirectory?: string;
  /** Use this storage instead of starting Azurite. */
  readonly storageConnectionString?: string;
  readonly log?: (line: string) => void;
}

export const FULL: BenchOptions = {
  sections: SECTIONS,
  concurrencies: [1, 16],
  requests: 1000,
  warmup: 50,
  rounds: 4,
  workingUsers: 1000,
  groups: 16,
  growth: { smallUsers: 100, largeUsers: 100_000, requests: 300 },
  cycle: { users: 10_000, groups: 100, concurrency: 16 },
  noisyNeighbour: {
    requests: 1000,
    concurrency: 4,
    attackers: 2,
    rounds: 3,
    users: 3000,
    uploadBytes: 400 * 1024 * 1024,
  },
  coldStartRuns: 7,
  discovery: { users: 100_000, pageSize: 100 },
  throttle: {
    seconds: 10,
    rounds: 5,
    quietRate: 20,
    floodRate: 500,
    entraConcurrency: 32,
    limit: { ratePerSecond: 50, burst: 10, maxInFlight: 4, maxQueued: 64, maxWaitMs: 5000 },
  },
  webhooks: { requests: 1200, concurrency: 16, rounds: 6 },
  portal: { users: 10_000, requests: 50 },
};

export const QUICK: BenchOptions = {
  sections: SECTIONS,
  concurrencies: [1, 16],
  requests: 64,
  warmup: 8,
  rounds: 2,
  workingUsers: 64,
  groups: 4,
  growth: { smallUsers: 100, largeUsers: 2_000, requests: 30 },
  cycle: { users: 200, groups: 4, concurrency: 8 },
  noisyNeighbour: {
    requests: 200,
    concurrency: 4,
    attackers: 2,
    rounds: 2,
    users: 300,
    uploadBytes: 64 * 1024 * 1024,
  },
  coldStartRuns: 3,
  discovery: { users: 1_000, pageSize: 100 },
  throttle: {
    seconds: 3,
    rounds: 1,
    quietRate: 20,
    floodRate: 300,
    entraConcurrency: 16,
    limit: { ratePerSecond: 50, burst: 10, maxInFlight: 4, maxQueued: 64, maxWaitMs: 5000 },
  },
  webhooks: { requests: 120, concurrency: 8, rounds: 6 },
  portal: { users: 1_000, requests: 10 },
};

export interface BenchReport {
  readonly startedAt: string;
  readonly settings: Omit<BenchOptions, "log" | "storageConnectionString">;
  readonly machine: { readonly cpus: number; readonly node: string };
  /** Every operation against its raw floor; at the highest concurrency layer by layer. */
  readonly operations: readonly OperationResult[];
  /** Where each operation's SCIM requests spent CPU (with --profile). */
  readonly profiles?: readonly ProfileSummary[];
  readonly growth?: GrowthResult;
  readonly initialCycle?: InitialCycleResult;
  /** Tenant B's latency alone and while tenant A sends the worst request shapes. */
  readonly noisyNeighbour?: NoisyNeighbourResult;
  readonly coldStart?: ColdStartResult;
  readonly discovery?: DiscoveryResult;
  readonly throttle?: ThrottleResult;
  /** SCIM write throughput with a hanging webhook endpoint beside a healthy one and none. */
  readonly webhooks?: WebhookIsolationResult;
  /** Each portal view's latency on a large tenant, beside an empty one. */
  readonly portal?: PortalBenchResult;
  /** Sections that failed to complete, with why: the others are still reported. */
  readonly sectionFailures: readonly string[];
  /** Errors the host logged (unhandled exceptions, failed requests). */
  readonly serverErrors: readonly string[];
  readonly seconds: number;
}

interface OperationsSection {
  readonly operations: OperationResult[];
  readonly profiles: ProfileSummary[];
}

async function runOperations(env: BenchEnvironment, options: BenchOptions): Promise<OperationsSection> {
  const log = options.log ?? (() => undefined);
  const tenant = await env.createTenant("bench");
  const client = env.services.tables.resources;
  const run = randomBytes(4).toString("hex");
  const users = await seedResources(
    client,
    (index) => userRows(tenant.tenantId, run, index),
    options.workingUsers,
  );
  const groups = await seedResources(
    client,
    (index) => groupRows(tenant.tenantId, run, index),
    options.groups,
  );
  const operations = benchOperations({
    tenant,
    client,
    run,
    users,
    groups,
    created: [],
    services: { users: env.services.users, groups: env.services.groups },
    scope: {
      tenantId: tenant.tenantId,
      baseUrl: tenant.tenantUrl,
      types: await env.services.resourceTypes.forTenant(tenant.tenantId),
    },
  });
  const bare = await BareServer.start(operations, tenant.token);
  const results: OperationResult[] = [];
  const profiles: ProfileSummary[] = [];
  try {
    for (const operation of operations) {
      log(`operations: ${operation.name}`);
      results.push(
        await measureOperation(
          env,
          operation,
          {
            concurrencies: options.concurrencies,
            warmup: options.warmup,
            rounds: options.rounds,
            ...(options.requests === undefined ? {} : { requests: options.requests }),
            ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
          },
          { bare, operations },
        ),
      );
      if (options.profileDirectory === undefined) continue;
      log(`operations: profiling ${operation.name}`);
      profiles.push(
        await profileOperation(
          operation.name,
          operation.scim(() => "profile"),
          { concurrency: Math.max(...options.concurrencies), requests: options.requests ?? 1000 },
          options.profileDirectory || undefined,
        ),
      );
    }
  } finally {
    bare.close();
  }
  return { operations: results, profiles };
}

/** Runs the selected sections against one Azurite and one local host, started here. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  let operations: OperationResult[] = [];
  let profiles: ProfileSummary[] = [];
  let growth: GrowthResult | undefined;
  let initialCycle: InitialCycleResult | undefined;
  let noisyNeighbour: NoisyNeighbourResult | undefined;
  let coldStart: ColdStartResult | undefined;
  let discovery: DiscoveryResult | undefined;
  let throttle: ThrottleResult | undefined;
  let webhooks: WebhookIsolationResult | undefined;
  let portal: PortalBenchResult | undefined;
  const env = await startEnvironment(
    options.storageConnectionString === undefined
      ? {}
      : { storageConnectionString: options.storageConnectionString },
  );
  const sectionFailures: string[] = [];
  const section = async (name: Section, work: () => Promise<void>) => {
    if (!options.sections.includes(name)) return;
    try {
      await work();
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      sectionFailures.push(`${name}: ${reason}`);
      log(`${name} failed: ${reason}`);
    }
  };
  try {
    await section("operations", async () => {
      ({ operations, profiles } = await runOperations(env, options));
    });
    await section("throttle", async () => {
      throttle = await measureThrottle(env, { ...options.throttle, log });
    });
    await section("cycle", async () => {
      log(`initial cycle: ${options.cycle.users} users, ${options.cycle.groups} groups`);
      initialCycle = await runInitialCycle(await env.createTenant("cycle"), options.cycle);
    });
    await section("growth", async () => {
      growth = await measureGrowth(env, { ...options.growth, log });
    });
    await section("noisyNeighbour", async () => {
      noisyNeighbour = await measureNoisyNeighbour(env, { ...options.noisyNeighbour, log });
    });
    await section("discovery", async () => {
      discovery = await measureDiscovery(env, { ...options.discovery, log });
    });
    await section("webhooks", async () => {
      webhooks = await measureWebhookIsolation(env, { ...options.webhooks, log });
    });
    await section("portal", async () => {
      portal = await measurePortal(env, { ...options.portal, log });
    });
  } finally {
    await env.close();
  }
  await section("coldStart", async () => {
    log(`cold start: ${options.coldStartRuns} runs`);
    coldStart = await measureColdStart(options.coldStartRuns);
  });
  const { log: _log, storageConnectionString: _storage, ...settings } = options;
  return {
    startedAt,
    settings,
    machine: { cpus: cpus().length, node: process.version },
    operations,
    ...(profiles.length > 0 ? { profiles } : {}),
    ...(growth ? { growth } : {}),
    ...(initialCycle ? { initialCycle } : {}),
    ...(noisyNeighbour ? { noisyNeighbour } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(discovery ? { discovery } : {}),
    ...(throttle ? { throttle } : {}),
    ...(webhooks ? { webhooks } : {}),
    ...(portal ? { portal } : {}),
    sectionFailures,
    serverErrors: env.serverErrors,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}
