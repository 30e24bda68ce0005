import { randomBytes } from "node:crypto";
import {
  ScimClient,
  DIALECTS,
  generateGroup,
  generateUser,
  Recorder,
  requestStats,
  type RequestStats,
  type ReplayContext,
  addMemberships,
  createGroups,
  createUsers,
  linkManagers,
} from "../../packages/entra-replay/src/index";
import type { BenchTenant } from "./environment";

export interface InitialCycleResult {
  readonly users: number;
  readonly groups: number;
  readonly membersPerGroup: number;
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly requests: RequestStats;
  /** Responses that were not 2xx (or no response at all). */
  readonly errors: number;
  /** Checks of the Entra replay that failed (what Entra would make of the responses). */
  readonly failedChecks: number;
  readonly failedCheckSamples: readonly string[];
  readonly steps: readonly { readonly name: string; readonly seconds: number; readonly requests: number }[];
}

export interface InitialCycleOptions {
  readonly users: number;
  readonly groups: number;
  readonly concurrency: number;
}

/**
 * Entra's initial cycle, with the Entra replay's own steps (packages/entra-replay): per user match by
 * userName/externalId (miss), create, re-read; managers linked; groups matched and created; then
 * members added with multi-member PATCHes (users are spread over the groups) and each group read back.
 */
export async function runInitialCycle(
  tenant: BenchTenant,
  options: InitialCycleOptions,
): Promise<InitialCycleResult> {
  const run = randomBytes(4).toString("hex");
  const client = new ScimClient({ url: tenant.tenantUrl, token: tenant.token });
  const recorder = new Recorder();
  const context: ReplayContext = {
    client,
    recorder,
    run,
    dialects: DIALECTS,
    concurrency: options.concurrency,
    usersUrl: `${tenant.tenantUrl}/Users`,
    users: Array.from({ length: options.users }, (_, index) => ({ index, state: generateUser(run, index) })),
    groups: Array.from({ length: options.groups }, (_, index) => ({
      index,
      state: generateGroup(run, index),
    })),
  };
  const steps: { name: string; seconds: number; requests: number }[] = [];
  const started = performance.now();
  for (const [name, step] of [
    ["match + create users", createUsers],
    ["link managers", linkManagers],
    ["match + create groups", createGroups],
    ["add members", addMemberships],
  ] as const) {
    const stepStarted = performance.now();
    const before = client.exchanges.length;
    await step(context);
    steps.push({
      name,
      seconds: Math.round(performance.now() - stepStarted) / 1000,
      requests: client.exchanges.length - before,
    });
  }
  const durationMs = performance.now() - started;
  const failed = recorder.checks.filter((check) => !check.ok);
  return {
    users: options.users,
    groups: options.groups,
    membersPerGroup: options.groups > 0 ? Math.floor(options.users / options.groups) : 0,
    concurrency: options.concurrency,
    wallSeconds: Math.round(durationMs) / 1000,
    requests: requestStats(client.exchanges, durationMs),
    errors: client.exchanges.filter((exchange) => exchange.status < 200 || exchange.status > 299).length,
    failedChecks: failed.length,
    failedCheckSamples: failed
      .slice(0, 5)
      .map(
        (check) => `${check.step}: ${check.name}${check.detail ? ` (${check.detail.slice(0, 200)})` : ""}`,
      ),
    steps,
  };
}
