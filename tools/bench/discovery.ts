import { randomBytes } from "node:crypto";
import { BENCH_TAG, type BenchEnvironment, type BenchTenant } from "./environment";
import { quantile } from "./load";
import { seedResources, userRows } from "./rows";

/**
 * Entra's Account Discovery: every user of a large tenant read page by page, with startIndex (as
 * Entra does) and with RFC 9865 cursors, timing each page and counting the storage rows it read.
 */

export interface DiscoveryOptions {
  readonly users: number;
  readonly pageSize: number;
  readonly log?: (line: string) => void;
}

interface PagePoint {
  /** "first" (alone: it also counts the total), "second" (pages 2–4), "middle", "last" */
  readonly label: string;
  readonly page: number;
  /** Median time of this page and the two beside it (one page alone is at the mercy of a GC). */
  readonly ms: number;
  readonly rows: number;
  readonly keys: number;
}

interface WalkResult {
  readonly mode: "startIndex" | "cursor";
  readonly pages: number;
  /** Users returned, and how many distinct: both must equal the tenant's users. */
  readonly returned: number;
  readonly distinct: number;
  readonly seconds: number;
  readonly points: readonly PagePoint[];
  readonly rowsRead: number;
  readonly keysRead: number;
  /** Rows read by the busiest page. */
  readonly maxPageRows: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface DiscoveryResult {
  readonly users: number;
  readonly pageSize: number;
  readonly seedSeconds: number;
  readonly walks: readonly WalkResult[];
  /**
   * The first startIndex page once more after both walks: its total comes from the count kept by the
   * first walk (no user was created or deleted since), not from reading every key.
   */
  readonly keptCountFirstPage: PageSample;
}

export interface PageSample {
  readonly ms: number;
  readonly rows: number;
  readonly keys: number;
}

interface ListPage {
  readonly Resources?: { id: string }[];
  readonly totalResults?: number;
  readonly nextCursor?: string;
}

let sequence = 0;

async function fetchPage(env: BenchEnvironment, tenant: BenchTenant, path: string) {
  const correlationId = `${BENCH_TAG}disc-${(sequence += 1)}`;
  const started = performance.now();
  const answer = await tenant.http.send("GET", path, { headers: { "X-Correlation-Id": correlationId } });
  const ms = performance.now() - started;
  const line = env.takeRequestLine(correlationId);
  const sample: PageSample = { ms, rows: line?.storageRowsRead ?? 0, keys: line?.storageKeysRead ?? 0 };
  const body = answer.status === 200 ? (JSON.parse(answer.body) as ListPage) : undefined;
  return { body, sample };
}

function point(label: string, samples: readonly PageSample[], page: number): PagePoint {
  const around = samples.slice(Math.max(0, page - 1), page + 2).map((sample) => sample.ms);
  const sample = samples[page];
  return {
    label,
    page: page + 1,
    ms:
      Math.round(
        quantile(
          [...around].sort((a, b) => a - b),
          0.5,
        ) * 100,
      ) / 100,
    rows: sample?.rows ?? 0,
    keys: sample?.keys ?? 0,
  };
}

function summariseWalk(
  mode: WalkResult["mode"],
  samples: readonly PageSample[],
  ids: readonly string[],
  errors: number,
  seconds: number,
): WalkResult {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  // The first page alone (it also counts the total); the others as the median with their neighbours.
  const last = Math.max(0, samples.length - 1);
  return {
    mode,
    pages: samples.length,
    returned: ids.length,
    distinct: new Set(ids).size,
    seconds: Math.round(seconds * 100) / 100,
    points: [
      { ...point("first", samples, 0), ms: Math.round((samples[0]?.ms ?? 0) * 100) / 100 },
      point("second", samples, Math.min(2, samples.length - 1)),
      point("middle", samples, Math.floor(samples.length / 2)),
      point("last", samples, last),
    ],
    rowsRead: samples.reduce((sum, sample) => sum + sample.rows, 0),
    keysRead: samples.reduce((sum, sample) => sum + sample.keys, 0),
    maxPageRows: Math.max(0, ...samples.map((sample) => sample.rows)),
    errors,
    p50Ms: Math.round(quantile(sorted, 0.5) * 100) / 100,
    p99Ms: Math.round(quantile(sorted, 0.99) * 100) / 100,
  };
}

/**
 * Reads pages until `next` (given the page just read) names none; a failed page ends the walk.
 * Entra stops an index walk at an empty page or once it has read totalResults.
 */
async function walk(
  env: BenchEnvironment,
  tenant: BenchTenant,
  mode: WalkResult["mode"],
  first: string,
  next: (body: ListPage) => string | undefined,
): Promise<WalkResult> {
  const samples: PageSample[] = [];
  const ids: string[] = [];
  let errors = 0;
  const started = performance.now();
  for (let path: string | undefined = first; path !== undefined;) {
    const { body, sample } = await fetchPage(env, tenant, path);
    samples.push(sample);
    if (!body) {
      errors += 1;
      break;
    }
    ids.push(...(body.Resources ?? []).map((resource) => resource.id));
    path = next(body);
  }
  return summariseWalk(mode, samples, ids, errors, (performance.now() - started) / 1000);
}

function walkByIndex(env: BenchEnvironment, tenant: BenchTenant, pageSize: number): Promise<WalkResult> {
  let startIndex = 1;
  const path = () => `/Users?startIndex=${startIndex}&count=${pageSize}`;
  return walk(env, tenant, "startIndex", path(), (body) => {
    const returned = body.Resources?.length ?? 0;
    startIndex += pageSize;
    return returned === 0 || startIndex > (body.totalResults ?? 0) ? undefined : path();
  });
}

function walkByCursor(env: BenchEnvironment, tenant: BenchTenant, pageSize: number): Promise<WalkResult> {
  const path = (cursor: string) => `/Users?count=${pageSize}&cursor=${encodeURIComponent(cursor)}`;
  return walk(env, tenant, "cursor", path(""), (body) =>
    body.nextCursor === undefined ? undefined : path(body.nextCursor),
  );
}

/** Seeds a tenant of `users` (raw transactions, the rows POST writes), then walks it both ways. */
export async function measureDiscovery(
  env: BenchEnvironment,
  options: DiscoveryOptions,
): Promise<DiscoveryResult> {
  const log = options.log ?? (() => undefined);
  const tenant = await env.createTenant("discovery");
  const run = randomBytes(4).toString("hex");
  log(`discovery: seeding ${options.users} users`);
  const seedStarted = performance.now();
  await seedResources(
    env.services.tables.resources,
    (index) => userRows(tenant.tenantId, run, index),
    options.users,
  );
  const seedSeconds = Math.round((performance.now() - seedStarted) / 10) / 100;
  log(`discovery: startIndex walk, pages of ${options.pageSize}`);
  const byIndex = await walkByIndex(env, tenant, options.pageSize);
  log(`discovery: cursor walk, pages of ${options.pageSize}`);
  const byCursor = await walkByCursor(env, tenant, options.pageSize);
  log("discovery: the first page again, its total from the kept count");
  const { sample } = await fetchPage(env, tenant, `/Users?startIndex=1&count=${options.pageSize}`);
  return {
    users: options.users,
    pageSize: options.pageSize,
    seedSeconds,
    walks: [byIndex, byCursor],
    keptCountFirstPage: { ...sample, ms: Math.round(sample.ms * 100) / 100 },
  };
}
