import { randomBytes } from "node:crypto";
import { resourceBase, ScimClient } from "./client";
import { DIALECTS, type Dialect } from "./dialect";
import { generateGroup, generateUser } from "./population";
import { forecastQuarantine, quarantineInput } from "./quarantine";
import { Recorder, requestStats, type Report } from "./report";
import type { ReplayContext } from "./steps/context";
import { cleanUp, hardDelete } from "./steps/deletion";
import {
  attributeChanges,
  disableAndReenable,
  removeManager,
  removeMembers,
  rename,
  updateGroups,
} from "./steps/incremental";
import { addMemberships, createGroups, createUsers, linkManagers, matchExisting } from "./steps/initialCycle";
import { legacyCreateShape, negativeChecks } from "./steps/negative";
import { testConnection } from "./steps/testConnection";

export type DialectChoice = Dialect | "both";

export interface ReplayOptions {
  /** The Tenant URL as an admin pastes it into Entra. */
  readonly url: string;
  /** The Secret Token. */
  readonly token: string;
  readonly users?: number;
  readonly groups?: number;
  readonly concurrency?: number;
  /** Requests per second, at most. */
  readonly rate?: number;
  readonly dialect?: DialectChoice;
  /** Leave the created users and groups in place. */
  readonly keep?: boolean;
  /** Per-request budget; Entra's is 60 s. */
  readonly timeoutMs?: number;
}

export const DEFAULTS = { users: 10, groups: 2, concurrency: 1, dialect: "both" as DialectChoice };

/**
 * Replays Entra's provisioning traffic against a SCIM endpoint (docs/entra-behaviour.md#one-provisioning-cycle) and
 * reports what Entra would make of every response.
 */
export async function runReplay(options: ReplayOptions): Promise<Report> {
  const started = Date.now();
  const users = options.users ?? DEFAULTS.users;
  const groups = options.groups ?? DEFAULTS.groups;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency);
  const dialect = options.dialect ?? DEFAULTS.dialect;
  const client = new ScimClient({
    url: options.url,
    token: options.token,
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const run = randomBytes(4).toString("hex");
  const recorder = new Recorder();
  const context: ReplayContext = {
    client,
    recorder,
    run,
    dialects: dialect === "both" ? DIALECTS : [dialect],
    concurrency,
    usersUrl: `${resourceBase(options.url).replace(/\/+$/, "")}/Users`,
    users: Array.from({ length: users }, (_, index) => ({ index, state: generateUser(run, index) })),
    groups: Array.from({ length: groups }, (_, index) => ({ index, state: generateGroup(run, index) })),
  };
  const steps: ((context: ReplayContext) => Promise<void>)[] = [
    testConnection,
    createUsers,
    createGroups,
    linkManagers,
    addMemberships,
    matchExisting,
    ...context.dialects.map((d) => (c: ReplayContext) => attributeChanges(c, d)),
    disableAndReenable,
    rename,
    removeManager,
    removeMembers,
    updateGroups,
    negativeChecks,
    legacyCreateShape,
    hardDelete,
    ...(options.keep ? [] : [cleanUp]),
  ];
  for (const step of steps) {
    try {
      await step(context);
    } catch (error) {
      const current = recorder.steps.at(-1) ?? recorder.step("replay");
      current.check("step ran to completion", false, {
        detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }
  const checks = recorder.checks;
  const failedSeqs = new Set(
    checks
      .filter((check) => !check.ok && check.escrow && check.exchange)
      .map((check) => check.exchange?.seq ?? 0),
  );
  const durationMs = Date.now() - started;
  const failed = checks.filter((check) => !check.ok).length;
  return {
    target: options.url,
    settings: {
      dialect,
      users,
      groups,
      concurrency,
      ...(options.rate === undefined ? {} : { rate: options.rate }),
      keep: options.keep ?? false,
    },
    startedAt: new Date(started).toISOString(),
    durationMs,
    steps: recorder.steps.map((step) => ({ name: step.name, checks: step.checks })),
    passed: checks.length - failed,
    failed,
    requests: requestStats(client.exchanges, durationMs),
    quarantine: forecastQuarantine(quarantineInput(client.exchanges, failedSeqs)),
  };
}
