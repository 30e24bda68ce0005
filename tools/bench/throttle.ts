import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRoutes } from "../../src/http/routes";
import { TenantThrottle } from "../../src/service/tenantThrottle";
import type { BenchEnvironment, BenchTenant } from "./environment";
import { quantile } from "./load";
import { seedResources, userRows, type ResourceRows } from "./rows";

/**
 * Throttling: tenant B sends a steady, modest rate of userName matches while tenant A floods
 * (offers many times its limit). B's latency is measured alone, beside A's flood with the per-tenant
 * throttle on, and beside the same flood with the throttle off. A's client runs in a process of its
 * own, as Entra's does: the host pays for answering the flood, not for sending it.
 */

export interface ThrottleBenchOptions {
  /** Seconds each phase runs. */
  readonly seconds: number;
  /** B's steady request rate (well under its limit). */
  readonly quietRate: number;
  /** A's offered rate: a flood, many times its limit. */
  readonly floodRate: number;
  /** The throttle of the measured phases. */
  readonly limit: { readonly ratePerSecond: number; readonly burst: number };
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
  };
  /** A's requests by status (absent when A is idle). */
  readonly flood?: { readonly sent: number; readonly byStatus: Readonly<Record<string, number>> };
}

export interface ThrottleResult {
  readonly seconds: number;
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
  process.stdout.write(JSON.stringify({ sent, byStatus }));
})();
`;

function floodFromAnotherProcess(
  tenant: BenchTenant,
  paths: readonly string[],
  options: ThrottleBenchOptions,
): Promise<{ sent: number; byStatus: Record<string, number> }> {
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
        else resolve(JSON.parse(stdout) as { sent: number; byStatus: Record<string, number> });
      },
    );
  });
}

function userNameFilter(user: ResourceRows): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${user.userName ?? ""}"`)}`;
}

async function phase(
  name: string,
  quiet: { tenant: BenchTenant; users: readonly ResourceRows[] },
  flood: { tenant: BenchTenant; users: readonly ResourceRows[] } | undefined,
  options: ThrottleBenchOptions,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  const byStatus: Record<string, number> = {};
  let sent = 0;
  const quietRun = atRate(options.quietRate, options.seconds, async (index) => {
    const user = quiet.users[index % quiet.users.length] as ResourceRows;
    const begin = performance.now();
    const answer = await quiet.tenant.http.send("GET", userNameFilter(user));
    latencies.push(performance.now() - begin);
    if (answer.status !== 200) errors += 1;
  });
  const floodRun = flood
    ? floodFromAnotherProcess(flood.tenant, flood.users.map(userNameFilter), options).then((result) => {
        sent = result.sent;
        Object.assign(byStatus, result.byStatus);
      })
    : Promise.resolve();
  await Promise.all([quietRun, floodRun]);
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    phase: name,
    quiet: {
      count: latencies.length,
      errors,
      p50Ms: round(quantile(latencies, 0.5)),
      p99Ms: round(quantile(latencies, 0.99)),
    },
    ...(flood ? { flood: { sent, byStatus } } : {}),
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
  const withThrottle = (ratePerSecond: number, burst: number) => {
    env.host.useRoutes(
      createRoutes({ ...env.services, throttle: new TenantThrottle({ ratePerSecond, burst }) }),
    );
  };
  try {
    withThrottle(options.limit.ratePerSecond, options.limit.burst);
    log("throttle: warm-up");
    await phase("warm-up", quiet, undefined, { ...options, seconds: Math.min(2, options.seconds) });
    log("throttle: B alone");
    const alone = await phase("B alone", quiet, undefined, options);
    log("throttle: B beside A's flood, throttled");
    const throttled = await phase("B, A flooding (throttle on)", quiet, noisy, options);
    log("throttle: B beside A's flood, throttle off");
    withThrottle(0, 1);
    const unthrottled = await phase("B, A flooding (throttle off)", quiet, noisy, options);
    const ratio = (result: PhaseResult) =>
      alone.quiet.p99Ms > 0 ? Math.round((result.quiet.p99Ms / alone.quiet.p99Ms) * 100) / 100 : 0;
    return {
      seconds: options.seconds,
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
