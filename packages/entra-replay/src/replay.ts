import { randomBytes } from "node:crypto";
import { EndpointUnreachable, resourceBase, ScimClient, type Exchange, type RetryPolicy } from "./client";
import { DIALECTS, type Dialect } from "./dialect";
import { generateGroup, generateUser } from "./population";
import { forecastQuarantine, quarantineInput } from "./quarantine";
import {
  galleryResults,
  groupProblems,
  Recorder,
  requestStats,
  type Report,
  type StopReason,
} from "./report";
import { galleryTests, type OAuthSettings } from "./gallery";
import type { ReplayContext } from "./steps/context";
import { cleanUp, hardDelete } from "./steps/deletion";
import {
  attributeChanges,
  disableAndReenable,
  fillMissingElement,
  reAddMember,
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
  /** Per-request budget; Entra's is 60 s, the replay's default is shorter (DEFAULT_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** How 429 answers are waited out and retried (DEFAULT_RETRY). */
  readonly retry?: RetryPolicy;
  /** Entra's traffic, Microsoft's gallery validation tests, or both (the default). */
  readonly suite?: Suite;
  /** For Microsoft's Validate_Credentials_Test and Federated_Identity_Test. */
  readonly oauth?: OAuthSettings;
  /** Called after every request with the counts so far (the progress line). */
  readonly onProgress?: (progress: Progress) => void;
}

export type Suite = "all" | "entra" | "gallery";

export interface Progress {
  readonly requests: number;
  readonly failures: number;
  readonly elapsedMs: number;
  readonly step: string;
}

export const DEFAULTS = {
  users: 10,
  groups: 2,
  concurrency: 1,
  dialect: "both" as DialectChoice,
  suite: "all" as Suite,
};

/** Entra sends the flagged dialect only; say so when the replay is asked to try both. */
export function dialectNotes(url: string, dialect: DialectChoice): string[] {
  const query = url.split("?")[1] ?? "";
  const flagged = query.split("&").some((part) => part.split("=")[0]?.toLowerCase() === "aadoptscim062020");
  if (!flagged || dialect !== "both") return [];
  return [
    "the Tenant URL carries ?aadOptscim062020, so Entra would send only the aadOptscim062020 dialect; the replay tests both (--dialect aadOptscim062020 tests only that one).",
  ];
}

function stopReason(
  error: EndpointUnreachable,
  timeoutMs: number,
  url: string,
  duringProbe: boolean,
): StopReason {
  const { exchange } = error;
  const timedOut = (exchange.error ?? "").startsWith("no response within");
  const what = timedOut
    ? `did not answer within ${timeoutMs / 1000} s (--timeout to wait longer; Entra waits 60 s, then counts a failure)`
    : `could not be reached (${exchange.error ?? "no response"})`;
  const where = duringProbe ? "Test Connection would fail: " : "The endpoint stopped answering: ";
  return {
    message: `${where}${exchange.method} ${url} ${what}. Nothing further was tried.`,
    exchange,
  };
}

/** Test Connection's probes must answer 200 with an empty list; anything else ends the run. */
function probeFailure(exchanges: readonly Exchange[], failed: boolean): StopReason | undefined {
  if (!failed) return undefined;
  const bad =
    exchanges.find((exchange) => exchange.kind === "probe" && exchange.status !== 200) ?? exchanges[0];
  const status = bad?.status ?? 0;
  const why =
    status === 401 || status === 403
      ? "the endpoint refused the Secret Token"
      : status === 404
        ? "a query that matches nothing must answer 200 with an empty ListResponse, not 404"
        : "the probe's answer is not what Entra accepts";
  return {
    message: `Test Connection would fail: ${why} (HTTP ${status}). Entra does not save the credentials; nothing further was tried.`,
    ...(bad === undefined ? {} : { exchange: bad }),
  };
}

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
  const suite = options.suite ?? DEFAULTS.suite;
  const recorder = new Recorder();
  const client = new ScimClient({
    url: options.url,
    token: options.token,
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    onExchange: (exchange) =>
      options.onProgress?.({
        requests: exchange.seq,
        failures: recorder.failures,
        elapsedMs: Date.now() - started,
        step: recorder.steps.at(-1)?.name ?? "",
      }),
  });
  const run = randomBytes(4).toString("hex");
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
  const entra: ((context: ReplayContext) => Promise<void>)[] = [
    createUsers,
    createGroups,
    linkManagers,
    addMemberships,
    matchExisting,
    ...context.dialects.map((d) => (c: ReplayContext) => attributeChanges(c, d)),
    ...context.dialects.map((d) => (c: ReplayContext) => fillMissingElement(c, d)),
    disableAndReenable,
    rename,
    removeManager,
    reAddMember,
    removeMembers,
    updateGroups,
    negativeChecks,
    legacyCreateShape,
    hardDelete,
  ];
  const steps = [
    ...(suite === "gallery" ? [] : entra),
    ...(suite === "entra" ? [] : galleryTests(options.oauth ?? {})),
  ];
  let stopped: StopReason | undefined;
  try {
    await testConnection(context);
    stopped = probeFailure(client.exchanges, recorder.failures > 0);
  } catch (error) {
    if (!(error instanceof EndpointUnreachable)) throw error;
    stopped = stopReason(error, client.timeoutMs, client.url(error.exchange.path), true);
  }
  // A failed Test Connection is the whole story; problems found before a later stop are kept.
  const stoppedAtProbe = stopped !== undefined;
  for (const step of stopped === undefined ? steps : []) {
    try {
      await step(context);
    } catch (error) {
      if (error instanceof EndpointUnreachable) {
        stopped = stopReason(error, client.timeoutMs, client.url(error.exchange.path), false);
        break;
      }
      const current = recorder.steps.at(-1) ?? recorder.step("replay");
      current.check("step ran to completion", false, {
        detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }
  if (!options.keep && !(stopped?.exchange?.status === 0)) {
    try {
      await cleanUp(context);
    } catch (error) {
      if (!(error instanceof EndpointUnreachable)) throw error;
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
  const stepReports = recorder.steps.map((step) => ({
    name: step.name,
    checks: step.checks,
    ...(step.options.gallery === undefined ? {} : { gallery: step.options.gallery }),
    ...(step.skipped === undefined ? {} : { skipped: step.skipped }),
  }));
  return {
    target: options.url,
    settings: {
      dialect,
      users,
      groups,
      concurrency,
      ...(options.rate === undefined ? {} : { rate: options.rate }),
      keep: options.keep ?? false,
      suite,
      timeoutMs: client.timeoutMs,
    },
    startedAt: new Date(started).toISOString(),
    run,
    durationMs,
    ready: stopped === undefined && failed === 0,
    ...(stopped === undefined ? {} : { stopped }),
    notes: dialectNotes(options.url, dialect),
    problems: stoppedAtProbe ? [] : groupProblems(checks),
    gallery: galleryResults(stepReports),
    steps: stepReports,
    exchanges: client.exchanges,
    passed: checks.length - failed,
    failed,
    requests: requestStats(client.exchanges, durationMs, client.throttled),
    quarantine: forecastQuarantine(quarantineInput(client.exchanges, failedSeqs)),
  };
}
