import type { BenchEnvironment } from "./environment";
import { hostileShapes, type HostileShape, type HostileSizes } from "./hostileShapes";
import { runSlice, summarise, type LoadResult, type LoadSlice } from "./load";
import { seedResources, userRows } from "./rows";

export interface NoisyNeighbourOptions extends HostileSizes {
  /** Requests tenant B sends per measurement (alone, then under attack), each round. */
  readonly requests: number;
  /** B's requests in flight: about what one Entra job sends. */
  readonly concurrency: number;
  /** Requests of the hostile shapes tenant A keeps in flight. */
  readonly attackers: number;
  /** Alone and under attack alternate this many times, so drift hits both sides. */
  readonly rounds: number;
  readonly log?: (line: string) => void;
}

interface ShapeTally {
  readonly name: string;
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** The slowest answer to a request of this shape. */
  readonly maxMs: number;
}

export interface NoisyNeighbourResult {
  readonly alone: LoadResult;
  readonly underAttack: LoadResult;
  /** B's p99 under attack over B's p99 alone: the target is ≤ 2. */
  readonly p99Ratio: number;
  readonly shapes: readonly ShapeTally[];
}

/** The target: tenant B's p99 under attack at most this many times its p99 alone. */
export const NOISY_NEIGHBOUR_TARGET = 2;

interface Tally {
  sent: number;
  readonly byStatus: Record<string, number>;
  maxMs: number;
}

/** Keeps `attackers` hostile requests in flight, cycling through the shapes, until stopped (each sent once at least). */
function attack(shapes: readonly HostileShape[], attackers: number, tallies: Map<string, Tally>) {
  let running = true;
  let next = 0;
  const worker = async () => {
    while (running || next < shapes.length) {
      const shape = shapes[next % shapes.length] as HostileShape;
      next += 1;
      const started = performance.now();
      const status = await shape.send().catch(() => 0);
      const tally = tallies.get(shape.name) ?? { sent: 0, byStatus: {}, maxMs: 0 };
      tally.sent += 1;
      tally.byStatus[String(status)] = (tally.byStatus[String(status)] ?? 0) + 1;
      tally.maxMs = Math.max(tally.maxMs, performance.now() - started);
      tallies.set(shape.name, tally);
    }
  };
  const workers = Promise.all(Array.from({ length: attackers }, worker));
  return async () => {
    running = false;
    await workers;
  };
}

/**
 * Tenant B reads its users by id (Entra's commonest request) alone, then while tenant A sends the
 * worst request shapes there are; both on the same host and Azurite, alternating, in the same run.
 */
export async function measureNoisyNeighbour(
  env: BenchEnvironment,
  options: NoisyNeighbourOptions,
): Promise<NoisyNeighbourResult> {
  const log = options.log ?? (() => undefined);
  const client = env.services.tables.resources;
  const victim = await env.createTenant("victim");
  const users = await seedResources(client, (index) => userRows(victim.tenantId, "victim", index), 50);
  const attacker = await env.createTenant("noisy");
  const { shapes, close } = await hostileShapes(client, attacker, env.host.origin, options);
  const read = async (index: number) => {
    const user = users[index % users.length];
    const answer = await victim.http.send("GET", `/Users/${user?.id ?? ""}`);
    return answer.status === 200 ? undefined : `GET /Users/{id}: ${String(answer.status)}`;
  };
  const load = { concurrency: options.concurrency, requests: options.requests };
  await runSlice({ concurrency: options.concurrency, requests: Math.min(20, options.requests) }, read);
  const alone: LoadSlice[] = [];
  const underAttack: LoadSlice[] = [];
  const tallies = new Map<string, Tally>();
  for (let round = 0; round < options.rounds; round += 1) {
    log(`noisy neighbour: round ${String(round + 1)}, tenant B alone`);
    alone.push(await runSlice(load, read));
    log(`noisy neighbour: round ${String(round + 1)}, tenant B while tenant A attacks`);
    const stop = attack(shapes, options.attackers, tallies);
    underAttack.push(await runSlice(load, read));
    await stop();
  }
  close();
  const quiet = summarise(options.concurrency, alone);
  const noisy = summarise(options.concurrency, underAttack);
  return {
    alone: quiet,
    underAttack: noisy,
    p99Ratio: quiet.p99Ms > 0 ? Math.round((noisy.p99Ms / quiet.p99Ms) * 100) / 100 : 0,
    shapes: shapes.map((shape) => {
      const tally = tallies.get(shape.name) ?? { sent: 0, byStatus: {}, maxMs: 0 };
      return { name: shape.name, sent: tally.sent, byStatus: tally.byStatus, maxMs: Math.round(tally.maxMs) };
    }),
  };
}
