import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ensureQueues } from "../../src/store";
import type { WebhookQueues } from "../../src/webhooks/workQueue";
import { startQueuePoller } from "../queuePoller";
import type { BenchEnvironment, BenchTenant } from "./environment";
import { runSlice, type LoadSlice } from "./load";

type WebhookSetup = "none" | "healthy" | "hanging";
const WEBHOOK_SETUPS: readonly WebhookSetup[] = ["none", "healthy", "hanging"];
/** Every order of the three, so each setup is measured equally often first, second and third. */
const ORDERS: readonly (readonly WebhookSetup[])[] = [
  ["none", "healthy", "hanging"],
  ["healthy", "hanging", "none"],
  ["hanging", "none", "healthy"],
  ["none", "hanging", "healthy"],
  ["hanging", "healthy", "none"],
  ["healthy", "none", "hanging"],
];

interface WebhookSideResult {
  readonly setup: WebhookSetup;
  readonly writes: number;
  readonly errors: number;
  /** The first few failures' words (an HTTP status or a client error), so a failed write says why. */
  readonly errorSamples: readonly string[];
  readonly perSecond: number;
}

export interface WebhookIsolationResult {
  readonly concurrency: number;
  readonly sides: readonly WebhookSideResult[];
  /**
   * SCIM creates per second with a hanging endpoint ÷ with no endpoint at all, as the median of the
   * rounds' ratios (the three slices of a round run back to back, on the same machine load): the target.
   */
  readonly hangingToNone: number;
  /** The same over all rounds together (more exposed to a noisy neighbour on the machine). */
  readonly hangingToNoneOverall: number;
  /** … ÷ with an endpoint that answers at once (median of the rounds). */
  readonly hangingToHealthy: number;
  /** Deliveries the hanging endpoint was sent (it never answers): bounded by the per-endpoint limit and the pause. */
  readonly hangingConnections: number;
  /** Deliveries the healthy endpoint received. */
  readonly healthyDeliveries: number;
  /**
   * Queue messages (fan-out notices, deliveries, retries and requeues) each tenant's timed writes
   * caused while the rounds ran, per write: the background work a webhook costs, counted, not timed.
   */
  readonly queuedPerWrite: Readonly<Record<WebhookSetup, number>>;
  /**
   * Before the timed rounds: writes per tenant, and how long after the first of them the hanging
   * endpoint was paused (its first timeout). Until then it costs what a healthy endpoint costs.
   */
  readonly warmup: { readonly writes: number; readonly hangingPausedAfterMs: number | null };
}

export interface WebhookIsolationOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly log?: (line: string) => void;
}

/** An endpoint that answers 204 at once, or one that accepts the request and never answers. */
async function endpoint(
  hang: boolean,
): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const held = new Set<ServerResponse>();
  let connections = 0;
  const server: Server = createServer((request, response) => {
    connections += 1;
    request.resume();
    request.on("end", () => {
      if (hang) held.add(response);
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    connections: () => connections,
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** Counts the messages sent to the webhook queues, per tenant, from the moment it is called. */
function countQueued(queues: WebhookQueues): { counts: Map<string, number>; stop(): void } {
  const counts = new Map<string, number>();
  const originals = [queues.fanOut, queues.deliveries].map((queue) => {
    const send = queue.send.bind(queue);
    queue.send = (message: object, delaySeconds?: number) => {
      const tenantId = (message as { tenantId?: unknown }).tenantId;
      if (typeof tenantId === "string") counts.set(tenantId, (counts.get(tenantId) ?? 0) + 1);
      return send(message, delaySeconds);
    };
    return { queue, send };
  });
  return {
    counts,
    stop() {
      for (const { queue, send } of originals) queue.send = send;
    },
  };
}

/** Delivery log lines go to stderr while the section runs, so `--json` keeps stdout to the report. */
function logToStderr(): () => void {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    process.stderr.write(`${args.map(String).join(" ")}\n`);
  };
  return () => {
    console.log = original;
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const round2 = (value: number) => Math.round(value * 100) / 100;
const rateOf = (slice: LoadSlice) => (slice.seconds > 0 ? slice.latencies.length / slice.seconds : 0);

/**
 * SCIM write throughput for three tenants of the same host: one without webhooks, one whose
 * endpoint answers at once, one whose endpoint hangs. Deliveries run through the queues and the
 * poller in this process while the writes are timed. A warm-up first writes to every tenant and
 * waits for the hanging endpoint's first timeout (it is then paused, its steady state); the timed
 * rounds go through every order of the three (six rounds for a balanced run), so no setup is
 * favoured by when it runs.
 */
export async function measureWebhookIsolation(
  env: BenchEnvironment,
  options: WebhookIsolationOptions,
): Promise<WebhookIsolationResult> {
  const log = options.log ?? (() => undefined);
  await ensureQueues(env.services.queues);
  if (!env.services.queues) throw new Error("the bench storage has no queue service");
  const restoreLog = logToStderr();
  const healthy = await endpoint(false);
  const hanging = await endpoint(true);
  const poller = startQueuePoller(env.services);
  try {
    const tenants = new Map<WebhookSetup, BenchTenant>();
    for (const setup of WEBHOOK_SETUPS) tenants.set(setup, await env.createTenant(`hook-${setup}`));
    const hooked = (setup: WebhookSetup) => tenants.get(setup)?.tenantId ?? "";
    await env.services.webhooks.add(hooked("healthy"), { url: healthy.url });
    const { endpoint: hangingEndpoint } = await env.services.webhooks.add(hooked("hanging"), {
      url: hanging.url,
    });
    let serial = 0;
    const create = (tenant: BenchTenant) => async () => {
      serial += 1;
      const result = await tenant.http.send("POST", "/Users", {
        body: { userName: `hook${serial}@bench.example`, active: true },
      });
      return result.status === 201 ? undefined : `HTTP ${result.status} ${result.body.slice(0, 200)}`;
    };

    const warmupWrites = options.concurrency * 4;
    const warmupStarted = Date.now();
    for (const setup of WEBHOOK_SETUPS) {
      const tenant = tenants.get(setup);
      if (tenant)
        await runSlice({ concurrency: options.concurrency, requests: warmupWrites }, create(tenant));
    }
    log("webhooks: warm-up written, waiting for the hanging endpoint's first timeout");
    const pauseDeadline = Date.now() + (env.services.config.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000;
    let pausedAt: number | undefined;
    while (pausedAt === undefined && Date.now() < pauseDeadline) {
      const current = await env.services.webhooks.get(hooked("hanging"), hangingEndpoint.id);
      if (current.paused) pausedAt = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const slices = new Map<WebhookSetup, LoadSlice[]>(WEBHOOK_SETUPS.map((setup) => [setup, []]));
    const queued = countQueued(env.services.queues);
    for (let round = 0; round < options.rounds; round += 1) {
      const order = ORDERS[round % ORDERS.length] ?? WEBHOOK_SETUPS;
      for (const setup of order) {
        const tenant = tenants.get(setup);
        if (!tenant) continue;
        log(`webhooks: round ${round + 1}, ${setup}`);
        const slice = await runSlice(
          { concurrency: options.concurrency, requests: Math.ceil(options.requests / options.rounds) },
          create(tenant),
        );
        slices.get(setup)?.push(slice);
      }
    }
    // A write's notice leaves after the notifier's coalescing window, so the last round's may still be on its
    // way: count until the healthy tenant's has been sent (a fast machine ends the rounds inside that window).
    const deadline = Date.now() + 15_000;
    while ((queued.counts.get(hooked("healthy")) ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    queued.stop();
    // Deliveries are not timed; give the first ones a moment to arrive so the counts say they ran.
    while ((healthy.connections() === 0 || hanging.connections() === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sides = WEBHOOK_SETUPS.map((setup): WebhookSideResult => {
      const measured = slices.get(setup) ?? [];
      const writes = measured.reduce((sum, slice) => sum + slice.latencies.length, 0);
      const seconds = measured.reduce((sum, slice) => sum + slice.seconds, 0);
      const errors = measured.reduce((sum, slice) => sum + slice.errors, 0);
      const errorSamples = measured.flatMap((slice) => slice.errorSamples).slice(0, 5);
      return {
        setup,
        writes,
        errors,
        errorSamples,
        perSecond: seconds > 0 ? Math.round((writes / seconds) * 10) / 10 : 0,
      };
    });
    const rate = (setup: WebhookSetup) => sides.find((side) => side.setup === setup)?.perSecond ?? 0;
    const roundRatios = (of: WebhookSetup, to: WebhookSetup) =>
      (slices.get(of) ?? []).map((slice, round) => {
        const base = slices.get(to)?.[round];
        return base && rateOf(base) > 0 ? rateOf(slice) / rateOf(base) : 0;
      });
    const perWrite = (setup: WebhookSetup) => {
      const writes = sides.find((side) => side.setup === setup)?.writes ?? 0;
      return writes > 0 ? round2((queued.counts.get(hooked(setup)) ?? 0) / writes) : 0;
    };
    return {
      concurrency: options.concurrency,
      sides,
      queuedPerWrite: { none: perWrite("none"), healthy: perWrite("healthy"), hanging: perWrite("hanging") },
      hangingToNone: round2(median(roundRatios("hanging", "none"))),
      hangingToNoneOverall: rate("none") > 0 ? round2(rate("hanging") / rate("none")) : 0,
      hangingToHealthy: round2(median(roundRatios("hanging", "healthy"))),
      hangingConnections: hanging.connections(),
      healthyDeliveries: healthy.connections(),
      warmup: {
        writes: warmupWrites,
        hangingPausedAfterMs: pausedAt === undefined ? null : pausedAt - warmupStarted,
      },
    };
  } finally {
    await poller.stop();
    await healthy.close();
    await hanging.close();
    restoreLog();
  }
}
