import { execFile } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { createRoutes } from "../../src/http/routes";
import { TenantConcurrency } from "../../src/service/tenantConcurrency";
import { TenantThrottle } from "../../src/service/tenantThrottle";
import { BENCH_TAG, type BenchEnvironment, type BenchTenant } from "./environment";
import { quantile } from "./load";
import { processCpuUs } from "./measure";
import { seedResources, userRows, type ResourceRows } from "./rows";

/**
 * Throttling: tenant B sends a steady, modest rate of userName matches while tenant A floods
 * (offers many times its limit). B's latency is measured alone, beside A's flood with the per-tenant
 * throttle on, and beside the same flood with the throttle off. A's client runs in a process of its
 * own, as Entra's does: the host pays for answering the flood, not for sending it.
 */

export interface ThrottleBenchOptions {
  /** Seconds each slice of a phase runs. */
  readonly seconds: number;
  /** Slices of B alone and of B beside the throttled flood, alternating. */
  readonly rounds: number;
  /** B's steady request rate (well under its limit). */
  readonly quietRate: number;
  /** A's offered rate: a flood, many times its limit. */
  readonly floodRate: number;
  /** The throttle of the measured phases: A's rate, and its requests working at once. */
  readonly limit: {
    readonly ratePerSecond: number;
    readonly burst: number;
    readonly maxInFlight: number;
    readonly maxQueued: number;
  };
  readonly log?: (line: string) => void;
}

interface PhaseResult {
  readonly phase: string;
  /** B's requests. */
  readonly quiet: {
    readonly count: number;
    readonly errors: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /**
     * p99 of the same requests' time inside the endpoint (authentication, storage, answer): what is
     * left of p99Ms was spent before the handler ran (connection, HTTP parsing, the event loop's queue).
     */
    readonly p99InEndpointMs: number;
    /** B's requests at or above the p99: when in the phase they started, and how long they took. */
    readonly slowest: readonly { readonly atS: number; readonly ms: number }[];
  };
  /**
   * CPU each process spent per second of the phase (1000 = one core busy): the bench process (the host,
   * and B's light client), A's flooding client, Azurite; and how late the host's event loop ran.
   */
  readonly cpu: {
    readonly hostMsPerS: number;
    readonly floodClientMsPerS?: number;
    readonly azuriteMsPerS?: number;
    readonly eventLoopDelayP99Ms: number;
    readonly eventLoopDelayMaxMs: number;
  };
  /** A's requests by status (absent when A is idle). */
  readonly flood?: { readonly sent: number; readonly byStatus: Readonly<Record<string, number>> };
}

export interface ThrottleResult {
  readonly seconds: number;
  readonly rounds: number;
  readonly quietRate: number;
  readonly floodRate: number;
  readonly limit: ThrottleBenchOptions["limit"];
  readonly phases: readonly PhaseResult[];
  /** B's p99 beside A's throttled flood / B's p99 alone. */
  readonly p99Ratio: number;
  /** The same without the throttle, to show what it protects against. */
  readonly p99RatioUnthrottled: number;
}

const MAX_IN_FLIGHT = 256;

/** Calls `send` at `rate` per second for `seconds` (open loop: a slow answer does not slow the offer). */
async function atRate(rate: number, seconds: number, send: (index: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const running = new Set<Promise<void>>();
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (running.size >= MAX_IN_FLIGHT) await Promise.race(running);
    const request = send(index).finally(() => running.delete(request));
    running.add(request);
  }
  await Promise.all(running);
}

/**
 * The flooding client, as a script for a child process: GETs `paths` round robin at `rate` per
 * second for `seconds` (open loop, at most 256 in flight), then prints the count by status.
 */
const FLOOD_SCRIPT = `
const http = require("node:http");
const [baseUrl, token, rate, seconds, paths] = JSON.parse(process.env.FLOOD_ARGS);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const byStatus = {};
let sent = 0, inFlight = 0;
const get = (path) => new Promise((resolve) => {
  const url = new URL(baseUrl + path);
  const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search,
    headers: { Authorization: "Bearer " + token } }, (res) => {
      res.resume();
      res.on("end", () => { byStatus[res.statusCode] = (byStatus[res.statusCode] || 0) + 1; resolve(); });
    });
  req.on("error", () => { byStatus.error = (byStatus.error || 0) + 1; resolve(); });
  req.end();
});
(async () => {
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const running = new Set();
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (running.size >= 256) await Promise.race(running);
    sent += 1;
    const p = get(paths[i % paths.length]).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  agent.destroy();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ sent, byStatus, cpuUs: cpu.user + cpu.system }));
})();
`;

interface FloodResult {
  readonly sent: number;
  readonly byStatus: Record<string, number>;
  /** CPU time of the flooding client's process, start-up included. */
  readonly cpuUs: number;
}

function floodFromAnotherProcess(
  tenant: BenchTenant,
  paths: readonly string[],
  options: ThrottleBenchOptions,
): Promise<FloodResult> {
  const args = JSON.stringify([tenant.tenantUrl, tenant.token, options.floodRate, options.seconds, paths]);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", FLOOD_SCRIPT],
      // The token goes in the environment, not the command line that other processes can list.
      {
        env: { ...process.env, FLOOD_ARGS: args },
        maxBuffer: 1024 * 1024,
        timeout: (options.seconds + 120) * 1000,
      },
      (error, stdout) => {
        if (error) reject(new Error(`the flooding client failed: ${error.message}`));
        else resolve(JSON.parse(stdout) as FloodResult);
      },
    );
  });
}

function userNameFilter(user: ResourceRows): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${user.userName ?? ""}"`)}`;
}

/** What one slice of a phase measured, before the phase's slices are summed. */
interface Slice {
  /** B's requests: when each started, its time at the client, and its time inside the endpoint. */
  readonly latencies: readonly {
    readonly startedS: number;
    readonly ms: number;
    readonly inHostMs: number;
  }[];
  readonly errors: number;
  readonly seconds: number;
  readonly hostCpuUs: number;
  readonly azuriteCpuUs?: number;
  readonly flood?: FloodResult;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

async function slice(
  env: BenchEnvironment,
  quiet: { tenant: BenchTenant; users: readonly ResourceRows[] },
  flood: { tenant: BenchTenant; users: readonly ResourceRows[] } | undefined,
  options: ThrottleBenchOptions,
): Promise<Slice> {
  const latencies: { startedS: number; ms: number; inHostMs: number }[] = [];
  let errors = 0;
  let floodResult: FloodResult | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const azuritePid = env.azurite?.pid;
  const azuriteBefore = azuritePid === undefined ? undefined : processCpuUs(azuritePid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  loopDelay.enable();
  const quietRun = atRate(options.quietRate, options.seconds, async (index) => {
    const user = quiet.users[index % quiet.users.length] as ResourceRows;
    const correlationId = `${BENCH_TAG}throttle-${String((tagged += 1))}`;
    const begin = performance.now();
    const get = () =>
      quiet.tenant.http.send("GET", userNameFilter(user), { headers: { "X-Correlation-Id": correlationId } });
    // A keep-alive socket the host closed as idle just as B reused it: a GET is safe to send again.
    const answer = await get()
      .catch(get)
      .catch(() => ({ status: 0 }));
    const ms = performance.now() - begin;
    const inHostMs = env.takeRequestLine(correlationId)?.durationMs ?? ms;
    latencies.push({ startedS: (begin - started) / 1000, ms, inHostMs });
    if (answer.status !== 200) errors += 1;
  });
  const floodRun = flood
    ? floodFromAnotherProcess(flood.tenant, flood.users.map(userNameFilter), options).then((result) => {
        floodResult = result;
      })
    : Promise.resolve();
  await Promise.all([quietRun, floodRun]);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const azuriteAfter = azuritePid === undefined ? undefined : processCpuUs(azuritePid);
  return {
    latencies,
    errors,
    seconds: (performance.now() - started) / 1000,
    hostCpuUs: cpu.user + cpu.system,
    ...(azuriteBefore !== undefined && azuriteAfter !== undefined
      ? { azuriteCpuUs: azuriteAfter - azuriteBefore }
      : {}),
    ...(floodResult ? { flood: floodResult } : {}),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
}

let tagged = 0;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function summarisePhase(phase: string, slices: readonly Slice[]): PhaseResult {
  const latencies = slices.flatMap((one) => one.latencies);
  const sorted = latencies.map((latency) => latency.ms).sort((a, b) => a - b);
  const p99 = quantile(sorted, 0.99);
  const seconds = slices.reduce((sum, one) => sum + one.seconds, 0);
  const perSecond = (us: number) => round(us / 1000 / seconds, 0);
  const sum = (of: (one: Slice) => number | undefined) =>
    slices.reduce((total, one) => total + (of(one) ?? 0), 0);
  const floods = slices.flatMap((one) => (one.flood ? [one.flood] : []));
  const byStatus: Record<string, number> = {};
  for (const flood of floods)
    for (const [status, count] of Object.entries(flood.byStatus))
      byStatus[status] = (byStatus[status] ?? 0) + count;
  return {
    phase,
    quiet: {
      count: sorted.length,
      errors: sum((one) => one.errors),
      p50Ms: round(quantile(sorted, 0.5)),
      p99Ms: round(p99),
      p99InEndpointMs: round(
        quantile(
          latencies.map((latency) => latency.inHostMs).sort((a, b) => a - b),
          0.99,
        ),
      ),
      slowest: latencies
        .filter((latency) => latency.ms >= p99)
        .map((latency) => ({ atS: round(latency.startedS, 1), ms: round(latency.ms, 0) })),
    },
    cpu: {
      hostMsPerS: perSecond(sum((one) => one.hostCpuUs)),
      ...(floods.length > 0 ? { floodClientMsPerS: perSecond(sum((one) => one.flood?.cpuUs)) } : {}),
      ...(slices.every((one) => one.azuriteCpuUs !== undefined)
        ? { azuriteMsPerS: perSecond(sum((one) => one.azuriteCpuUs)) }
        : {}),
      eventLoopDelayP99Ms: round(Math.max(...slices.map((one) => one.loopDelayP99Ms)), 1),
      eventLoopDelayMaxMs: round(Math.max(...slices.map((one) => one.loopDelayMaxMs)), 1),
    },
    ...(floods.length > 0 ? { flood: { sent: sum((one) => one.flood?.sent), byStatus } } : {}),
  };
}

export async function measureThrottle(
  env: BenchEnvironment,
  options: ThrottleBenchOptions,
): Promise<ThrottleResult> {
  const log = options.log ?? (() => undefined);
  const run = randomBytes(4).toString("hex");
  const seed = async (prefix: string) => {
    const tenant = await env.createTenant(prefix);
    const users = await seedResources(
      env.services.tables.resources,
      (index) => userRows(tenant.tenantId, run, index),
      200,
    );
    return { tenant, users };
  };
  const quiet = await seed("quiet");
  const noisy = await seed("noisy");
  const withThrottle = (limit: ThrottleBenchOptions["limit"]) => {
    env.host.useRoutes(
      createRoutes({
        ...env.services,
        throttle: new TenantThrottle(limit),
        concurrency: new TenantConcurrency(limit),
      }),
    );
  };
  try {
    withThrottle(options.limit);
    log("throttle: warm-up");
    await slice(env, quiet, undefined, { ...options, seconds: Math.min(2, options.seconds) });
    // Alone and beside the throttled flood alternate, so the machine's drift hits both alike.
    const aloneSlices: Slice[] = [];
    const throttledSlices: Slice[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      log(`throttle: round ${String(round)}, B alone`);
      aloneSlices.push(await slice(env, quiet, undefined, options));
      log(`throttle: round ${String(round)}, B beside A's flood, throttled`);
      throttledSlices.push(await slice(env, quiet, noisy, options));
    }
    const alone = summarisePhase("B alone", aloneSlices);
    const throttled = summarisePhase("B, A flooding (throttle on)", throttledSlices);
    log("throttle: B beside A's flood, throttle off");
    withThrottle({ ratePerSecond: 0, burst: 1, maxInFlight: 0, maxQueued: 0 });
    const unthrottled = summarisePhase("B, A flooding (throttle off)", [
      await slice(env, quiet, noisy, options),
    ]);
    const ratio = (result: PhaseResult) =>
      alone.quiet.p99Ms > 0 ? Math.round((result.quiet.p99Ms / alone.quiet.p99Ms) * 100) / 100 : 0;
    return {
      seconds: options.seconds,
      rounds: options.rounds,
      quietRate: options.quietRate,
      floodRate: options.floodRate,
      limit: options.limit,
      phases: [alone, throttled, unthrottled],
      p99Ratio: ratio(throttled),
      p99RatioUnthrottled: ratio(unthrottled),
    };
  } finally {
    env.host.useRoutes(createRoutes(env.services));
  }
}
