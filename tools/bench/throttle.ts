import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { createRoutes, type RouteDefinition } from "../../src/http/routes";
import { ERROR_SCHEMA } from "../../src/scim/schema/urns";
import { TenantConcurrency } from "../../src/service/tenantConcurrency";
import { TenantThrottle } from "../../src/service/tenantThrottle";
import { BENCH_TAG, type BenchEnvironment, type BenchTenant } from "./environment";
import { quantile } from "./load";
import { processCpuUs } from "./measure";
import { seedResources, userRows, type ResourceRows } from "./rows";

/**
 * Throttling: tenant B sends a steady, modest rate of userName matches while tenant A offers many
 * times its limit, in two shapes: a busy Entra job (many requests at once, pausing on each 429 for its
 * Retry-After, as Entra does) and a hostile client that ignores 429. B's latency is measured alone,
 * beside each with the per-tenant throttle on, and beside the hostile one with the throttle off. A's
 * client runs in a process of its own, as Entra's does: the host pays for answering A, not for sending.
 */

export interface ThrottleBenchOptions {
  /** Seconds each slice of a phase runs. */
  readonly seconds: number;
  /** Slices of B alone and of B beside the throttled flood, alternating. */
  readonly rounds: number;
  /** B's steady request rate (well under its limit). */
  readonly quietRate: number;
  /** The hostile client's offered rate: a flood, many times A's limit, whatever the answers say. */
  readonly floodRate: number;
  /** The Entra-shaped job's requests at once (each sent as soon as the last answered). */
  readonly entraConcurrency: number;
  /** The throttle of the measured phases: A's rate, and its requests working at once. */
  readonly limit: {
    readonly ratePerSecond: number;
    readonly burst: number;
    readonly maxInFlight: number;
    readonly maxQueued: number;
    /** A queued request's longest wait (`THROTTLE_MAX_WAIT_SECONDS`). */
    readonly maxWaitMs: number;
  };
  readonly log?: (line: string) => void;
}

interface PhaseResult {
  readonly phase: string;
  /** B's requests. */
  readonly quiet: {
    readonly count: number;
    readonly errors: number;
    /** Most of B's requests open at once: over its in-flight cap, B would wait in its own queue. */
    readonly maxOpen: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /**
     * p99 of the same requests' time inside the endpoint (authentication, storage, answer): what is
     * left of p99Ms was spent before the handler ran (connection, HTTP parsing, the event loop's queue).
     */
    readonly p99InEndpointMs: number;
    /** B's requests at or above the p99: when in the phase they started, and how long they took. */
    readonly slowest: readonly { readonly atS: number; readonly ms: number }[];
    /**
     * B's p99 in each round's slice of the phase: whether one stall of the machine (a few hundred ms in
     * one slice, which puts several of B's requests at the top) decided the phase's p99.
     */
    readonly p99ByRoundMs: readonly number[];
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
  /** A's requests by status (absent when A is idle), and the Entra-shaped job's pauses. */
  readonly flood?: {
    readonly sent: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly pauses: number;
    readonly pausedMs: number;
    readonly badRetryAfter: number;
  };
}

export interface ThrottleResult {
  readonly seconds: number;
  readonly rounds: number;
  readonly quietRate: number;
  readonly floodRate: number;
  readonly entraConcurrency: number;
  readonly limit: ThrottleBenchOptions["limit"];
  /** B alone; beside the Entra-shaped job; beside the hostile flood; beside it with the throttle off. */
  readonly phases: readonly PhaseResult[];
  /** B's p99 beside A's Entra-shaped job (throttle on) / B's p99 alone: the 1.5× target. */
  readonly p99Ratio: number;
  /** B's p99 beside A's hostile flood (throttle on) / alone: held to the attack budget's 2×. */
  readonly p99RatioHostile: number;
  /** The hostile flood without the throttle, to show what it protects against. */
  readonly p99RatioUnthrottled: number;
  /**
   * Host CPU per 429 (µs), each run of `REFUSAL_REQUESTS` from a client in another process, alternating:
   * the endpoint refusing a tenant over its rate, and the local host answering a fixed 429 from a handler
   * that does nothing (the floor any answer costs here: HTTP parsing, the request object, the write).
   */
  readonly refusalCpuUs: { readonly endpoint: readonly number[]; readonly floor: readonly number[] };
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
 * Tenant A's client, as a script for a child process: GETs `paths` round robin for `seconds`, then prints
 * the count by status. Two shapes:
 * - `entra`: a busy provisioning job as Entra runs one: `concurrency` requests at once, each sent as soon
 *   as the last answered (far more than the limit), and on a 429 the whole job pauses for its
 *   `Retry-After` and then sends the refused request again before any new one;
 * - `hostile`: ignores 429 and `Retry-After` and keeps offering `rate` per second (open loop, at most 256
 *   in flight), as a misbehaving or hostile client would;
 * - `closed`: `requests` in all, `concurrency` at once, each sent as soon as the last answered (to price
 *   one answer: the host's CPU over the count).
 */
const FLOOD_SCRIPT = `
const http = require("node:http");
const [baseUrl, token, shape, seconds, paths] = JSON.parse(process.env.FLOOD_ARGS);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const byStatus = {};
let sent = 0, pauses = 0, pausedMs = 0, badRetryAfter = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const get = (path) => new Promise((resolve) => {
  const url = new URL(baseUrl + path);
  sent += 1;
  const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search,
    headers: { Authorization: "Bearer " + token } }, (res) => {
      res.resume();
      res.on("end", () => {
        byStatus[res.statusCode] = (byStatus[res.statusCode] || 0) + 1;
        const retryAfter = /^[1-9][0-9]*$/.test(res.headers["retry-after"] || "") ? Number(res.headers["retry-after"]) : undefined;
        if (res.statusCode === 429 && retryAfter === undefined) badRetryAfter += 1;
        resolve({ status: res.statusCode, retryAfter });
      });
    });
  req.on("error", () => { byStatus.error = (byStatus.error || 0) + 1; resolve({ status: 0 }); });
  req.end();
});
const hostile = async (rate) => {
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const running = new Set();
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    if (running.size >= 256) await Promise.race(running);
    const p = get(paths[i % paths.length]).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
};
const closed = async (concurrency, requests) => {
  let next = 0;
  const worker = async () => { while (next < requests) { next += 1; await get(paths[next % paths.length]); } };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
const entra = async (concurrency) => {
  const end = performance.now() + seconds * 1000;
  const retries = [];
  let next = 0, pausedUntil = 0;
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end) return;
      if (now < pausedUntil) { await sleep(Math.min(pausedUntil, end) - now); continue; }
      const path = retries.length > 0 ? retries.shift() : paths[next++ % paths.length];
      const answer = await get(path);
      if (answer.status !== 429) continue;
      retries.push(path);
      const until = performance.now() + (answer.retryAfter ?? 1) * 1000;
      if (until > pausedUntil) {
        if (pausedUntil <= performance.now()) { pauses += 1; pausedMs += until - performance.now(); }
        else pausedMs += until - pausedUntil;
        pausedUntil = until;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
(async () => {
  // Booted: the parent starts its own measurement with this client's first request, not its start-up.
  console.error("ready");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
  if (shape.kind === "entra") await entra(shape.concurrency);
  else if (shape.kind === "closed") await closed(shape.concurrency, shape.requests);
  else await hostile(shape.rate);
  agent.destroy();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ sent, byStatus, pauses, pausedMs: Math.round(pausedMs),
    badRetryAfter, cpuUs: cpu.user + cpu.system }));
})();
`;

/** How tenant A's client behaves (see FLOOD_SCRIPT). */
export type FloodShape =
  | { readonly kind: "entra"; readonly concurrency: number }
  | { readonly kind: "hostile"; readonly rate: number }
  | { readonly kind: "closed"; readonly concurrency: number; readonly requests: number };

interface FloodResult {
  readonly sent: number;
  readonly byStatus: Record<string, number>;
  /** The Entra-shaped job: times it paused, the time paused in all, 429s without a usable Retry-After. */
  readonly pauses: number;
  readonly pausedMs: number;
  readonly badRetryAfter: number;
  /** CPU time of the flooding client's process, start-up included. */
  readonly cpuUs: number;
}

/** Tenant A's client, running: `started` once it has booted and begun sending, `finished` with its counts. */
interface FloodRun {
  readonly started: Promise<void>;
  readonly finished: Promise<FloodResult>;
}

/**
 * Starts tenant A's client in a process of its own. Node's start-up there (about 100 ms of CPU on the
 * same cores) is not something Entra's client costs the host, so it is left out: the client waits until
 * it has booted, and sends its first request when told to.
 */
function floodFromAnotherProcess(
  tenant: BenchTenant,
  paths: readonly string[],
  shape: FloodShape,
  seconds: number,
): FloodRun {
  const args = JSON.stringify([tenant.tenantUrl, tenant.token, shape, seconds, paths]);
  // The token goes in the environment, not the command line that other processes can list.
  const child = spawn(process.execPath, ["-e", FLOOD_SCRIPT], {
    env: { ...process.env, FLOOD_ARGS: args },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const timer = setTimeout(() => child.kill(), (seconds + 120) * 1000);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const started = new Promise<void>((resolve) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const wasReady = stderr.includes("ready\n");
      stderr += chunk;
      if (wasReady || !stderr.includes("ready\n")) return;
      child.stdin.end("go\n");
      resolve();
    });
  });
  const finished = new Promise<FloodResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(stdout) as FloodResult);
      else reject(new Error(`the flooding client failed (exit ${String(code)}): ${stderr.trim()}`));
    });
  });
  // A client that dies before it is ready ends the wait too (its failure is in `finished`).
  return { started: Promise.race([started, finished.then(() => undefined)]), finished };
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
  readonly maxOpen: number;
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
  flood: { tenant: BenchTenant; users: readonly ResourceRows[]; shape: FloodShape } | undefined,
  options: ThrottleBenchOptions,
): Promise<Slice> {
  const latencies: { startedS: number; ms: number; inHostMs: number }[] = [];
  let errors = 0;
  let open = 0;
  let maxOpen = 0;
  let floodResult: FloodResult | undefined;
  const floodRun = flood
    ? floodFromAnotherProcess(flood.tenant, flood.users.map(userNameFilter), flood.shape, options.seconds)
    : undefined;
  await floodRun?.started;
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
    maxOpen = Math.max(maxOpen, (open += 1));
    const get = () =>
      quiet.tenant.http.send("GET", userNameFilter(user), { headers: { "X-Correlation-Id": correlationId } });
    // A keep-alive socket the host closed as idle just as B reused it: a GET is safe to send again.
    const answer = await get()
      .catch(get)
      .catch(() => ({ status: 0 }));
    const ms = performance.now() - begin;
    const inHostMs = env.takeRequestLine(correlationId)?.durationMs ?? ms;
    open -= 1;
    latencies.push({ startedS: (begin - started) / 1000, ms, inHostMs });
    if (answer.status !== 200) errors += 1;
  });
  await Promise.all([
    quietRun,
    floodRun?.finished.then((result) => {
      floodResult = result;
    }),
  ]);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const azuriteAfter = azuritePid === undefined ? undefined : processCpuUs(azuritePid);
  return {
    latencies,
    errors,
    maxOpen,
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

function p99Of(values: number[]): number {
  return quantile(
    values.sort((a, b) => a - b),
    0.99,
  );
}

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
      maxOpen: Math.max(...slices.map((one) => one.maxOpen)),
      p50Ms: round(quantile(sorted, 0.5)),
      p99Ms: round(p99),
      p99InEndpointMs: round(p99Of(latencies.map((latency) => latency.inHostMs))),
      p99ByRoundMs: slices.map((one) => round(p99Of(one.latencies.map((latency) => latency.ms)))),
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
    ...(floods.length > 0
      ? {
          flood: {
            sent: sum((one) => one.flood?.sent),
            byStatus,
            pauses: sum((one) => one.flood?.pauses),
            pausedMs: sum((one) => one.flood?.pausedMs),
            badRetryAfter: sum((one) => one.flood?.badRetryAfter),
          },
        }
      : {}),
  };
}

const REFUSAL_REQUESTS = 4000;
const REFUSAL_ROUNDS = 3;

/** A route table of one handler answering every SCIM URL a fixed 429, as cheaply as a handler can. */
function fixedRefusalRoutes(): RouteDefinition[] {
  const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: "429", detail: "Too many requests." });
  const headers = { "Content-Type": "application/scim+json", "Retry-After": "1" };
  return [
    {
      name: "fixedRefusal",
      route: "scim/v2/{tenantId}/{*rest}",
      methods: ["GET"],
      handler: () => Promise.resolve({ status: 429, headers, body }),
    },
  ];
}

async function hostCpuPerRefusal(tenant: BenchTenant, paths: readonly string[]): Promise<number> {
  const run = floodFromAnotherProcess(
    tenant,
    paths,
    { kind: "closed", concurrency: 16, requests: REFUSAL_REQUESTS },
    60,
  );
  await run.started;
  const before = process.cpuUsage();
  const result = await run.finished;
  const cpu = process.cpuUsage(before);
  const refused = result.byStatus["429"] ?? 0;
  return refused > 0 ? round((cpu.user + cpu.system) / refused, 0) : 0;
}

/**
 * What one refusal costs the host: the endpoint's 429 for a tenant whose bucket is empty, against the
 * floor of a handler that answers a fixed 429, alternating so the machine's drift hits both alike.
 */
async function measureRefusalCpu(
  env: BenchEnvironment,
  noisy: { tenant: BenchTenant; users: readonly ResourceRows[] },
): Promise<ThrottleResult["refusalCpuUs"]> {
  const paths = noisy.users.map(userNameFilter);
  // One token, refilled in about 17 minutes: after the first request every one is refused.
  const emptied = createRoutes({
    ...env.services,
    throttle: new TenantThrottle({ ratePerSecond: 0.001, burst: 1 }),
    concurrency: new TenantConcurrency({ maxInFlight: 0, maxQueued: 0 }),
  });
  const endpoint: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < REFUSAL_ROUNDS; round += 1) {
    env.host.useRoutes(emptied);
    await noisy.tenant.http.send("GET", paths[0] ?? "/Users");
    endpoint.push(await hostCpuPerRefusal(noisy.tenant, paths));
    env.host.useRoutes(fixedRefusalRoutes());
    floor.push(await hostCpuPerRefusal(noisy.tenant, paths));
  }
  return { endpoint, floor };
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
    const entra = { ...noisy, shape: { kind: "entra", concurrency: options.entraConcurrency } as const };
    const hostile = { ...noisy, shape: { kind: "hostile", rate: options.floodRate } as const };
    // The phases alternate, so the machine's drift hits all of them alike.
    const aloneSlices: Slice[] = [];
    const entraSlices: Slice[] = [];
    const hostileSlices: Slice[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      log(`throttle: round ${String(round)}, B alone`);
      aloneSlices.push(await slice(env, quiet, undefined, options));
      log(`throttle: round ${String(round)}, B beside A's Entra-shaped job`);
      entraSlices.push(await slice(env, quiet, entra, options));
      log(`throttle: round ${String(round)}, B beside A's hostile flood`);
      hostileSlices.push(await slice(env, quiet, hostile, options));
    }
    const alone = summarisePhase("B alone", aloneSlices);
    const besideEntra = summarisePhase("B, A's Entra-shaped job (throttle on)", entraSlices);
    const besideHostile = summarisePhase("B, A's hostile flood (throttle on)", hostileSlices);
    log("throttle: B beside A's hostile flood, throttle off");
    withThrottle({ ratePerSecond: 0, burst: 1, maxInFlight: 0, maxQueued: 0, maxWaitMs: 0 });
    const unthrottled = summarisePhase("B, A's hostile flood (throttle off)", [
      await slice(env, quiet, hostile, options),
    ]);
    log("throttle: host CPU per 429, the endpoint's and a fixed answer's");
    const refusalCpuUs = await measureRefusalCpu(env, noisy);
    const ratio = (result: PhaseResult) =>
      alone.quiet.p99Ms > 0 ? Math.round((result.quiet.p99Ms / alone.quiet.p99Ms) * 100) / 100 : 0;
    return {
      seconds: options.seconds,
      rounds: options.rounds,
      quietRate: options.quietRate,
      floodRate: options.floodRate,
      entraConcurrency: options.entraConcurrency,
      limit: options.limit,
      phases: [alone, besideEntra, besideHostile, unthrottled],
      p99Ratio: ratio(besideEntra),
      p99RatioHostile: ratio(besideHostile),
      p99RatioUnthrottled: ratio(unthrottled),
      refusalCpuUs,
    };
  } finally {
    env.host.useRoutes(createRoutes(env.services));
  }
}
