import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { BENCH_TAG, type BenchEnvironment, type BenchTenant } from "./environment";
import { runLoad, type LoadResult } from "./load";
import { roundTripStats, type RoundTripStats } from "./measure";
import { benchOperations, unexpected, type BenchOperation } from "./operations";
import { groupRows, seedMembers, seedResources, userRows, type ResourceRows } from "./rows";

interface SeedStats {
  readonly count: number;
  readonly seconds: number;
  /** Rows written per second (Azurite's bulk write rate through entity-group transactions). */
  readonly rowsPerSecond: number;
}

interface GrowthPoint {
  /** "small", "large", "small after large seeded". */
  readonly label: string;
  readonly users: number;
  readonly groupMembers: number;
  readonly result: LoadResult;
  /** The raw Table calls the same operation needs, at the same point (what storage itself does). */
  readonly raw: LoadResult;
  readonly roundTrips: RoundTripStats;
}

interface GrowthSeries {
  readonly operation: string;
  readonly points: readonly GrowthPoint[];
  /** p50 with the large tenant / p50 with the small one, measured before the large was seeded. */
  readonly ratio: number;
  /** The same against the small tenant measured again after seeding (same Azurite table size). */
  readonly ratioSameTable: number;
  /** `ratio` of the raw Table calls: how much storage itself slowed down. */
  readonly rawRatio: number;
}

interface MemoryPoint {
  readonly request: string;
  readonly status: number;
  readonly responseBytes: number;
  readonly ms: number;
  readonly roundTrips?: number;
  readonly heapBeforeMB: number;
  readonly heapPeakMB: number;
  readonly heapGrowthMB: number;
  readonly rssGrowthMB: number;
}

export interface GrowthResult {
  readonly smallUsers: number;
  readonly largeUsers: number;
  readonly seedUsers: SeedStats;
  readonly seedMembers: SeedStats;
  readonly series: readonly GrowthSeries[];
  readonly memory: readonly MemoryPoint[];
}

export interface GrowthOptions {
  readonly smallUsers: number;
  readonly largeUsers: number;
  /** Timed requests per point, at concurrency 1. */
  readonly requests: number;
  readonly log?: (line: string) => void;
}

interface Tenant {
  readonly tenant: BenchTenant;
  readonly users: ResourceRows[];
  readonly group: ResourceRows;
}

function sample<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, () => items[Math.floor(Math.random() * items.length)]).filter(
    (item): item is T => item !== undefined,
  );
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function seedTenant(
  env: BenchEnvironment,
  prefix: string,
  users: number,
  log: (line: string) => void,
): Promise<{ tenant: Tenant; seedUsers: SeedStats; seedMembers: SeedStats }> {
  const tenant = await env.createTenant(prefix);
  const client = env.services.tables.resources;
  const run = tenant.tenantId;
  const progress = (what: string) => (done: number) => {
    if (done % 10_000 < 50) log(`  ${prefix}: ${done} ${what}`);
  };
  let started = performance.now();
  const seeded = await seedResources(
    client,
    (index) => userRows(tenant.tenantId, run, index),
    users,
    progress("users"),
  );
  const userSeconds = (performance.now() - started) / 1000;
  const rows = seeded.reduce((sum, user) => sum + 1 + user.indexRows.length, 0);
  const [group] = await seedResources(client, (index) => groupRows(tenant.tenantId, run, index), 1);
  if (group === undefined) throw new Error("group was not seeded");
  started = performance.now();
  await seedMembers(
    client,
    tenant.tenantId,
    group.id,
    seeded.map((user) => user.id),
    progress("members"),
  );
  const memberSeconds = (performance.now() - started) / 1000;
  return {
    tenant: { tenant, users: seeded, group },
    seedUsers: { count: users, seconds: round(userSeconds), rowsPerSecond: Math.round(rows / userSeconds) },
    seedMembers: {
      count: users,
      seconds: round(memberSeconds),
      rowsPerSecond: Math.round((users * 2) / memberSeconds),
    },
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function measurePoint(
  env: BenchEnvironment,
  tenant: Tenant,
  label: string,
  requests: number,
): Promise<Record<string, GrowthPoint>> {
  const operations = benchOperations({
    tenant: tenant.tenant,
    client: env.services.tables.resources,
    run: tenant.tenant.tenantId,
    users: sample(tenant.users, requests),
    groups: [tenant.group],
    created: [],
  });
  const points: Record<string, GrowthPoint> = {};
  for (const name of ["match userName", "add one member"]) {
    const operation = operations.find((candidate) => candidate.name === name) as BenchOperation;
    const tags: string[] = [];
    const tagged = (index: number) => {
      const value =
        `${BENCH_TAG}growth-${tenant.tenant.tenantId}-${label.length}-${name.length}-${index}`.slice(0, 64);
      tags.push(value);
      return value;
    };
    await runLoad(
      { concurrency: 1, requests: Math.min(20, requests) },
      operation.scim(() => "warm"),
    );
    const result = await runLoad({ concurrency: 1, requests }, operation.scim(tagged));
    const raw = await runLoad({ concurrency: 1, requests }, operation.raw());
    const counts = tags.flatMap((value) => {
      const line = env.takeRequestLine(value);
      return line ? [line.storageRoundTrips] : [];
    });
    points[name] = {
      label,
      users: tenant.users.length,
      groupMembers: tenant.users.length,
      result,
      raw,
      roundTrips: roundTripStats(counts, operation.roundTrips),
    };
  }
  return points;
}

/** `global.gc` without starting node with --expose-gc. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

let memorySeq = 0;

/** Serves one GET in this process (the host) and samples its heap while it runs. */
async function measureMemory(
  env: BenchEnvironment,
  tenant: BenchTenant,
  path: string,
  label: string,
): Promise<MemoryPoint> {
  const gc = collector();
  gc();
  gc();
  const before = process.memoryUsage();
  let peak = before.heapUsed;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 2);
  memorySeq += 1;
  const tag = `${BENCH_TAG}memory-${memorySeq}`;
  const started = performance.now();
  const result = await tenant.http.send("GET", path, {
    discardBody: true,
    headers: { "X-Correlation-Id": tag },
  });
  const ms = performance.now() - started;
  clearInterval(timer);
  const after = process.memoryUsage();
  peak = Math.max(peak, after.heapUsed);
  peakRss = Math.max(peakRss, after.rss);
  const failure = unexpected(result, 200, label);
  if (failure !== undefined) throw new Error(failure);
  const roundTrips = env.takeRequestLine(tag)?.storageRoundTrips;
  return {
    request: label,
    status: result.status,
    responseBytes: result.bytes,
    ms: Math.round(ms),
    ...(roundTrips === undefined ? {} : { roundTrips }),
    heapBeforeMB: mb(before.heapUsed),
    heapPeakMB: mb(peak),
    heapGrowthMB: mb(peak - before.heapUsed),
    rssGrowthMB: mb(peakRss - before.rss),
  };
}

function series(name: string, small: GrowthPoint, large: GrowthPoint, again: GrowthPoint): GrowthSeries {
  const ratio = (a: LoadResult, b: LoadResult) =>
    b.p50Ms > 0 ? Math.round((a.p50Ms / b.p50Ms) * 100) / 100 : 0;
  return {
    operation: name,
    points: [small, large, again],
    ratio: ratio(large.result, small.result),
    ratioSameTable: ratio(large.result, again.result),
    rawRatio: ratio(large.raw, small.raw),
  };
}

/**
 * Match by userName and add-one-member with a small tenant, then with a large one (users and a
 * group holding all of them, seeded with raw transactions of the same rows), then the small one
 * again; and the host's heap while it serves the large group.
 */
export async function measureGrowth(env: BenchEnvironment, options: GrowthOptions): Promise<GrowthResult> {
  const log = options.log ?? (() => undefined);
  log(`growth: seeding ${options.smallUsers} users`);
  const small = await seedTenant(env, "small", options.smallUsers, log);
  const before = await measurePoint(env, small.tenant, "small", options.requests);
  log(`growth: seeding ${options.largeUsers} users and a ${options.largeUsers}-member group`);
  const large = await seedTenant(env, "large", options.largeUsers, log);
  log(`growth: measuring`);
  const afterLarge = await measurePoint(env, large.tenant, "large", options.requests);
  const again = await measurePoint(env, small.tenant, "small, after large seeded", options.requests);
  const names = ["match userName", "add one member"];
  const groupPath = `/Groups/${encodeURIComponent(large.tenant.group.id)}`;
  const memory = [
    await measureMemory(
      env,
      large.tenant.tenant,
      `${groupPath}?excludedAttributes=members`,
      "GET large group, excludedAttributes=members",
    ),
    await measureMemory(env, large.tenant.tenant, groupPath, `GET ${options.largeUsers}-member group`),
  ];
  return {
    smallUsers: options.smallUsers,
    largeUsers: options.largeUsers,
    seedUsers: large.seedUsers,
    seedMembers: large.seedMembers,
    series: names.map((name) =>
      series(name, before[name] as GrowthPoint, afterLarge[name] as GrowthPoint, again[name] as GrowthPoint),
    ),
    memory,
  };
}
