import type { Exchange, ThrottledRequest } from "./client";
import { genericProblem, PROBLEMS, type ProblemDefinition, type ProblemId } from "./problems";
import type { QuarantineForecast } from "./quarantine";

export interface CheckResult {
  readonly step: string;
  readonly name: string;
  readonly ok: boolean;
  /** Which user or group the check was about. */
  readonly subject?: string;
  readonly detail?: string;
  /** Entra would log the request as a failed event (status, undeserializable body), not just a drift. */
  readonly escrow: boolean;
  readonly exchange?: Exchange;
  /** The distinct problem a failure of this check shows; the check's name when not set. */
  readonly problem?: ProblemId;
  /** The PATCH dialect the check exercised, when it exercised one. */
  readonly dialect?: string;
}

/** One of Microsoft's gallery validation tests, run as a step of the replay. */
interface GalleryTest {
  readonly name: string;
  readonly mandatory: boolean;
}

export interface StepReport {
  readonly name: string;
  readonly checks: readonly CheckResult[];
  readonly gallery?: GalleryTest;
  /** Why a gallery test did not run (Microsoft reports it SKIPPED). */
  readonly skipped?: string;
}

type GalleryOutcome = "PASSED" | "FAILED" | "WARNING" | "SKIPPED";

export interface GalleryResult {
  readonly name: string;
  readonly mandatory: boolean;
  readonly result: GalleryOutcome;
  /** The first failed check, or why it was skipped. */
  readonly reason?: string;
}

/** Failed checks grouped into what an admin has to fix: one entry per distinct problem. */
export interface ProblemReport extends ProblemDefinition {
  readonly id: string;
  /**
   * Silent: no error in Entra's provisioning log, the result is wrong. Loud: Entra logs failed
   * events (a refused request), which count toward quarantine.
   */
  readonly silent: boolean;
  /** Failed checks behind it (across users, groups and dialects). */
  readonly occurrences: number;
  /** Distinct users or groups it was seen on. */
  readonly subjects: number;
  readonly dialects: readonly string[];
  readonly checks: readonly string[];
  /** One request and its response that show it. */
  readonly evidence?: Exchange;
  readonly detail?: string;
}

/** The replay stopped early (Test Connection failed, or the endpoint stopped answering). */
export interface StopReason {
  readonly message: string;
  readonly exchange?: Exchange;
}

export interface RequestStats {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly perSecond: number;
  /** 429 answers waited out and retried (not in `total`, not failures). */
  readonly throttled: { readonly requests: number; readonly waitedMs: number };
}

export interface Report {
  readonly target: string;
  readonly settings: {
    readonly dialect: string;
    readonly users: number;
    readonly groups: number;
    readonly concurrency: number;
    readonly rate?: number;
    readonly keep: boolean;
    readonly suite: string;
    readonly timeoutMs: number;
  };
  readonly startedAt: string;
  /** Part of every name the replay creates (`replay.<run>.3@contoso.example`). */
  readonly run: string;
  readonly durationMs: number;
  /** True when no check failed and the replay ran to the end. */
  readonly ready: boolean;
  readonly stopped?: StopReason;
  /** Things an admin should know about the run itself (e.g. the dialect flag in the URL). */
  readonly notes: readonly string[];
  readonly problems: readonly ProblemReport[];
  readonly gallery: readonly GalleryResult[];
  readonly steps: readonly StepReport[];
  /** Every request and response, in order (--json, --verbose). */
  readonly exchanges: readonly Exchange[];
  readonly passed: number;
  readonly failed: number;
  readonly requests: RequestStats;
  readonly quarantine: QuarantineForecast;
}

export interface CheckExtra {
  readonly subject?: string;
  readonly detail?: string;
  readonly exchange?: Exchange;
  readonly escrow?: boolean;
  readonly problem?: ProblemId;
  readonly dialect?: string;
}

export interface StepOptions {
  /** The dialect every check of the step exercises. */
  readonly dialect?: string;
  readonly gallery?: GalleryTest;
}

/** Collects the checks of one step. */
export class StepRecorder {
  readonly checks: CheckResult[] = [];
  skipped?: string;
  constructor(
    readonly name: string,
    readonly options: StepOptions = {},
  ) {}

  check(name: string, ok: boolean, extra: CheckExtra = {}): boolean {
    const dialect = extra.dialect ?? this.options.dialect;
    this.checks.push({
      step: this.name,
      name,
      ok,
      escrow: extra.escrow ?? false,
      ...withoutUndefined(extra),
      ...(dialect === undefined ? {} : { dialect }),
    });
    return ok;
  }

  /** Microsoft reports a gallery test whose prerequisite is missing as SKIPPED. */
  skip(reason: string): void {
    this.skipped = reason;
  }
}

function withoutUndefined(extra: CheckExtra): Omit<CheckExtra, "escrow" | "dialect"> {
  const result: { subject?: string; detail?: string; exchange?: Exchange; problem?: ProblemId } = {};
  if (extra.subject !== undefined) result.subject = extra.subject;
  if (extra.detail !== undefined) result.detail = extra.detail;
  if (extra.exchange !== undefined) result.exchange = extra.exchange;
  if (extra.problem !== undefined) result.problem = extra.problem;
  return result;
}

export class Recorder {
  readonly steps: StepRecorder[] = [];

  step(name: string, options: StepOptions = {}): StepRecorder {
    const step = new StepRecorder(name, options);
    this.steps.push(step);
    return step;
  }

  get checks(): CheckResult[] {
    return this.steps.flatMap((step) => step.checks);
  }

  get failures(): number {
    return this.steps.reduce((sum, step) => sum + step.checks.filter((check) => !check.ok).length, 0);
  }
}

/** Groups failed checks by problem: the same fault across users and dialects is one entry. */
export function groupProblems(checks: readonly CheckResult[]): ProblemReport[] {
  const groups = new Map<string, CheckResult[]>();
  for (const check of checks) {
    if (check.ok) continue;
    const key = check.problem ?? `check:${check.name}`;
    groups.set(key, [...(groups.get(key) ?? []), check]);
  }
  return [...groups].map(([id, failed]) => {
    const [first] = failed as [CheckResult, ...CheckResult[]];
    const loud = failed.some((check) => check.escrow);
    const definition: ProblemDefinition =
      first.problem === undefined ? genericProblem(first.name, loud) : PROBLEMS[first.problem];
    const evidence =
      failed.find((check) => check.escrow && check.exchange !== undefined) ??
      failed.find((check) => check.exchange !== undefined);
    return {
      id,
      ...definition,
      silent: !loud,
      occurrences: failed.length,
      subjects: new Set(failed.map((check) => check.subject).filter((s) => s !== undefined)).size,
      dialects: [...new Set(failed.map((check) => check.dialect).filter((d) => d !== undefined))],
      checks: [...new Set(failed.map((check) => check.name))],
      ...(evidence?.exchange === undefined ? {} : { evidence: evidence.exchange }),
      ...((evidence ?? first).detail === undefined ? {} : { detail: (evidence ?? first).detail }),
    };
  });
}

const AUTHENTICATION_TESTS = ["Validate_Credentials_Test", "Federated_Identity_Test"];

/**
 * Microsoft's overall result: every mandatory test passed or was skipped, and at least one of the
 * two authentication tests passed. Undefined when the gallery tests did not run.
 */
export function galleryOverall(
  results: readonly GalleryResult[],
): { readonly succeeded: boolean; readonly reason: string } | undefined {
  if (results.length === 0) return undefined;
  const failed = results.filter((test) => test.mandatory && test.result === "FAILED");
  if (failed.length > 0)
    return {
      succeeded: false,
      reason: `mandatory tests failed: ${failed.map((test) => test.name).join(", ")}`,
    };
  const authenticated = results.some(
    (test) => AUTHENTICATION_TESTS.includes(test.name) && test.result === "PASSED",
  );
  if (!authenticated)
    return {
      succeeded: false,
      reason:
        "one of Validate_Credentials_Test and Federated_Identity_Test must pass (OAuth client credentials or workload identity federation; see --token-endpoint)",
    };
  return { succeeded: true, reason: "every mandatory test passed or does not apply" };
}

/** Microsoft's outcome for each gallery test: optional tests that fail are warnings. */
export function galleryResults(steps: readonly StepReport[]): GalleryResult[] {
  return steps.flatMap((step): GalleryResult[] => {
    const test = step.gallery;
    if (test === undefined) return [];
    const base = { name: test.name, mandatory: test.mandatory };
    if (step.skipped !== undefined) return [{ ...base, result: "SKIPPED", reason: step.skipped }];
    const failed = step.checks.find((check) => !check.ok);
    if (step.checks.length === 0) return [{ ...base, result: "FAILED", reason: "nothing could be checked" }];
    if (failed === undefined) return [{ ...base, result: "PASSED" }];
    const reason = `${failed.name}${failed.subject === undefined ? "" : ` [${failed.subject}]`}${failed.detail === undefined ? "" : `: ${failed.detail}`}`;
    return [{ ...base, result: test.mandatory ? "FAILED" : "WARNING", reason }];
  });
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export function requestStats(
  exchanges: readonly Exchange[],
  durationMs: number,
  throttled: readonly ThrottledRequest[] = [],
): RequestStats {
  const byStatus: Record<string, number> = {};
  for (const exchange of exchanges) {
    const key = exchange.status === 0 ? "no response" : String(exchange.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  const latencies = exchanges.map((exchange) => exchange.latencyMs).sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    total: exchanges.length,
    byStatus,
    latencyMs: {
      p50: round(quantile(latencies, 0.5)),
      p95: round(quantile(latencies, 0.95)),
      p99: round(quantile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? 0),
    },
    perSecond: durationMs > 0 ? round((exchanges.length * 1000) / durationMs) : 0,
    throttled: {
      requests: throttled.length,
      waitedMs: throttled.reduce((sum, request) => sum + request.waitedMs, 0),
    },
  };
}
