import type { Exchange } from "./client";
import { preview } from "./json";
import type { QuarantineForecast } from "./quarantine";

export interface CheckResult {
  readonly step: string;
  readonly name: string;
  readonly ok: boolean;
  /** Which user or group the check was about. */
  readonly subject?: string;
  readonly detail?: string;
  /** Entra would log the request as a failed event (status, undeserialisable body), not just a drift. */
  readonly escrow: boolean;
  readonly exchange?: Exchange;
}

export interface StepReport {
  readonly name: string;
  readonly checks: readonly CheckResult[];
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
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly steps: readonly StepReport[];
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
}

/** Collects the checks of one step. */
export class StepRecorder {
  readonly checks: CheckResult[] = [];
  constructor(readonly name: string) {}

  check(name: string, ok: boolean, extra: CheckExtra = {}): boolean {
    this.checks.push({
      step: this.name,
      name,
      ok,
      escrow: extra.escrow ?? false,
      ...withoutUndefined(extra),
    });
    return ok;
  }
}

function withoutUndefined(extra: CheckExtra): Omit<CheckExtra, "escrow"> {
  const result: { subject?: string; detail?: string; exchange?: Exchange } = {};
  if (extra.subject !== undefined) result.subject = extra.subject;
  if (extra.detail !== undefined) result.detail = extra.detail;
  if (extra.exchange !== undefined) result.exchange = extra.exchange;
  return result;
}

export class Recorder {
  readonly steps: StepRecorder[] = [];

  step(name: string): StepRecorder {
    const step = new StepRecorder(name);
    this.steps.push(step);
    return step;
  }

  get checks(): CheckResult[] {
    return this.steps.flatMap((step) => step.checks);
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export function requestStats(exchanges: readonly Exchange[], durationMs: number): RequestStats {
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
  };
}

function describeExchange(exchange: Exchange, indent: string): string[] {
  const lines = [`${indent}request:  ${exchange.method} ${exchange.path}`];
  if (exchange.requestBody !== undefined) lines.push(`${indent}          ${preview(exchange.requestBody)}`);
  if (exchange.status === 0) lines.push(`${indent}response: none (${exchange.error ?? "no response"})`);
  else {
    lines.push(
      `${indent}response: ${exchange.status} ${exchange.contentType ?? "(no Content-Type)"}, ${Math.round(exchange.latencyMs)} ms`,
    );
    if (exchange.responseText !== "") lines.push(`${indent}          ${preview(exchange.responseText)}`);
  }
  return lines;
}

/** The per-step human report; its last line is `N passed, N failed` on its own. */
export function formatReport(report: Report, verbose = false): string {
  const { settings } = report;
  const lines = [
    `Entra provisioning replay against ${report.target}`,
    `  dialect ${settings.dialect}, ${settings.users} users, ${settings.groups} groups, concurrency ${settings.concurrency}${settings.rate === undefined ? "" : `, rate ≤ ${settings.rate}/s`}`,
    "",
  ];
  report.steps.forEach((step, index) => {
    const failed = step.checks.filter((check) => !check.ok);
    lines.push(
      `${failed.length === 0 ? "PASS" : "FAIL"} ${String(index + 1).padStart(2)}. ${step.name} (${step.checks.length - failed.length}/${step.checks.length} checks)`,
    );
    const passedByName = new Map<string, number>();
    for (const check of step.checks)
      if (check.ok) passedByName.set(check.name, (passedByName.get(check.name) ?? 0) + 1);
    if (verbose)
      for (const [name, count] of passedByName)
        lines.push(`   ok    ${name}${count > 1 ? ` (×${count})` : ""}`);
    for (const check of failed) {
      lines.push(`   FAIL  ${check.name}${check.subject === undefined ? "" : ` [${check.subject}]`}`);
      if (check.detail !== undefined) lines.push(`         ${check.detail}`);
      if (check.exchange) lines.push(...describeExchange(check.exchange, "         "));
    }
  });
  const { requests, quarantine } = report;
  const statuses = Object.entries(requests.byStatus)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
  lines.push(
    "",
    `Requests: ${requests.total} in ${(report.durationMs / 1000).toFixed(1)} s (${requests.perSecond}/s); statuses ${statuses}`,
    `Latency: p50 ${requests.latencyMs.p50} ms, p95 ${requests.latencyMs.p95} ms, p99 ${requests.latencyMs.p99} ms, max ${requests.latencyMs.max} ms`,
    `Quarantine forecast: ${quarantine.verdict}`,
    ...quarantine.explanation.map((line) => `  ${line}`),
    `${report.passed} passed, ${report.failed} failed`,
  );
  return lines.join("\n");
}

/** The machine report: every check, with request and response only where a check failed. */
export function jsonReport(report: Report): string {
  return JSON.stringify(
    {
      ...report,
      steps: report.steps.map((step) => ({
        name: step.name,
        checks: step.checks.map((check) => {
          if (check.ok) {
            const { exchange: _exchange, ...rest } = check;
            return rest;
          }
          return check;
        }),
      })),
    },
    null,
    2,
  );
}
