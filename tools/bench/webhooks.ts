import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ensureQueues } from "../../src/store/storageQueues";
import { startQueuePoller } from "../queuePoller";
import type { BenchEnvironment, BenchTenant } from "./environment";
import { runSlice, type LoadSlice } from "./load";

export type WebhookSetup = "none" | "healthy" | "hanging";
export const WEBHOOK_SETUPS: readonly WebhookSetup[] = ["none", "healthy", "hanging"];
/** Every order of the three, so each setup is measured equally often first, second and third. */
const ORDERS: readonly (readonly WebhookSetup[])[] = [
  ["none", "healthy", "hanging"],
  ["healthy", "hanging", "none"],
  ["hanging", "none", "healthy"],
  ["none", "hanging", "healthy"],
  ["hanging", "healthy", "none"],
  ["healthy", "none", "hanging"],
];

export interface WebhookSideResult {
  readonly setup: WebhookSetup;
  readonly writes: number;
  readonly errors: number;
  readonly perSecond: number;
}

export interface WebhookIsolationResult {
  readonly concurrency: number;
  readonly sides: readonly WebhookSideResult[];
  /** SCIM creates per second with a hanging endpoint ÷ with a healthy one (same run, rounds interleaved). */
  readonly hangingToHealthy: number;
  /** … ÷ with no endpoint at all: includes the cost of fanning out and delivering at all (same process here). */
  readonly hangingToNone: number;
  /** Deliveries the hanging endpoint was sent (it never answers): bounded by the in-flight limit and cooldown. */
  readonly hangingConnections: number;
  /** Deliveries the healthy endpoint received. */
  readonly healthyDeliveries: number;
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

/**
 * SCIM write throughput for three tenants of the same host: one without webhooks, one whose
 * endpoint answers at once, one whose endpoint hangs. Deliveries run through the queues and the
 * poller in this process while the writes are timed; rounds go through every order of the three
 * (six rounds for a balanced run), so no setup is favoured by when it runs.
 */
export async function measureWebhookIsolation(
  env: BenchEnvironment,
  options: WebhookIsolationOptions,
): Promise<WebhookIsolationResult> {
  const log = options.log ?? (() => undefined);
  await ensureQueues(env.services.queues);
  if (!env.services.queues) throw new Error("the bench storage has no queue service");
  const healthy = await endpoint(false);
  const hanging = await endpoint(true);
  const poller = startQueuePoller(env.services);
  try {
    const tenants = new Map<WebhookSetup, BenchTenant>();
    for (const setup of WEBHOOK_SETUPS) tenants.set(setup, await env.createTenant(`hook-${setup}`));
    const hooked = (setup: WebhookSetup) => tenants.get(setup)?.tenantId ?? "";
    await env.services.webhooks.add(hooked("healthy"), { url: healthy.url });
    await env.services.webhooks.add(hooked("hanging"), { url: hanging.url });
    const slices = new Map<WebhookSetup, LoadSlice[]>(WEBHOOK_SETUPS.map((setup) => [setup, []]));
    let serial = 0;
    for (let round = 0; round < options.rounds; round += 1) {
      const order = ORDERS[round % ORDERS.length] ?? WEBHOOK_SETUPS;
      for (const setup of order) {
        const tenant = tenants.get(setup);
        if (!tenant) continue;
        log(`webhooks: round ${round + 1}, ${setup}`);
        const slice = await runSlice(
          { concurrency: options.concurrency, requests: Math.ceil(options.requests / options.rounds) },
          async () => {
            serial += 1;
            const result = await tenant.http.send("POST", "/Users", {
              body: { userName: `hook${serial}@bench.example`, active: true },
            });
            return result.status === 201 ? undefined : `HTTP ${result.status}`;
          },
        );
        slices.get(setup)?.push(slice);
      }
    }
    // Deliveries are not timed; give the first ones a moment to arrive so the counts say they ran.
    const deadline = Date.now() + 15_000;
    while ((healthy.connections() === 0 || hanging.connections() === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sides = WEBHOOK_SETUPS.map((setup): WebhookSideResult => {
      const measured = slices.get(setup) ?? [];
      const writes = measured.reduce((sum, slice) => sum + slice.latencies.length, 0);
      const seconds = measured.reduce((sum, slice) => sum + slice.seconds, 0);
      const errors = measured.reduce((sum, slice) => sum + slice.errors, 0);
      return { setup, writes, errors, perSecond: seconds > 0 ? Math.round((writes / seconds) * 10) / 10 : 0 };
    });
    const rate = (setup: WebhookSetup) => sides.find((side) => side.setup === setup)?.perSecond ?? 0;
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
    return {
      concurrency: options.concurrency,
      sides,
      hangingToHealthy: ratio(rate("hanging"), rate("healthy")),
      hangingToNone: ratio(rate("hanging"), rate("none")),
      hangingConnections: hanging.connections(),
      healthyDeliveries: healthy.connections(),
    };
  } finally {
    await poller.stop();
    await healthy.close();
    await hanging.close();
  }
}
