import type { Exchange } from "./client";
import { preview } from "./json";
import { galleryOverall, type ProblemReport, type Report } from "./report";

/** The report an admin reads: verdict first, then each distinct problem with its fix. */

/** Bodies are cut at `limit` characters: the problem list stays short, --verbose shows more. */
function describeExchange(exchange: Exchange, indent: string, limit = 600): string[] {
  const lines = [`${indent}request:  ${exchange.method} ${exchange.path}`];
  if (exchange.requestBody !== undefined)
    lines.push(`${indent}          ${preview(exchange.requestBody, limit)}`);
  if (exchange.status === 0) lines.push(`${indent}response: none (${exchange.error ?? "no response"})`);
  else {
    lines.push(`${indent}response: ${exchange.status} ${exchange.contentType ?? "(no Content-Type)"}`);
    if (exchange.responseText !== "")
      lines.push(`${indent}          ${preview(exchange.responseText, limit)}`);
  }
  return lines;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function headline(report: Report): string {
  if (report.stopped !== undefined) return "NOT READY for Entra: the replay had to stop.";
  if (report.ready) return "READY for Entra: no problems found.";
  const loud = report.problems.filter((problem) => !problem.silent).length;
  return `NOT READY for Entra: ${plural(report.problems.length, "problem")} (${loud} fail loudly, ${report.problems.length - loud} fail silently).`;
}

function problemLines(problem: ProblemReport, index: number): string[] {
  const seen = [
    plural(problem.occurrences, "failed check"),
    ...(problem.subjects > 0
      ? [`affecting ${problem.subjects} ${problem.subjects === 1 ? "user or group" : "users or groups"}`]
      : []),
    ...(problem.dialects.length > 0 ? [`dialect ${problem.dialects.join(" and ")}`] : []),
  ].join(", ");
  const lines = [
    `${String(index + 1).padStart(2)}. [${problem.silent ? "silent" : "loud"}] ${problem.title}`,
    `    In a real Entra job: ${problem.consequence}`,
    `    Fix: ${problem.fix}`,
    `    Seen: ${seen}${problem.checks.length > 1 || problem.checks[0] !== problem.title ? ` (${problem.checks.join("; ")})` : ""}`,
  ];
  if (problem.detail !== undefined) lines.push(`    ${problem.detail}`);
  if (problem.evidence !== undefined) lines.push(...describeExchange(problem.evidence, "    ", 300));
  return lines;
}

function stepLines(report: Report): string[] {
  const lines = ["", "Every step (--verbose):"];
  report.steps.forEach((step, index) => {
    const failed = step.checks.filter((check) => !check.ok);
    const status = step.skipped !== undefined ? "SKIP" : failed.length === 0 ? "PASS" : "FAIL";
    lines.push(
      `${status} ${String(index + 1).padStart(2)}. ${step.name} (${step.checks.length - failed.length}/${step.checks.length} checks)${step.skipped === undefined ? "" : `: ${step.skipped}`}`,
    );
    const passedByName = new Map<string, number>();
    for (const check of step.checks)
      if (check.ok) passedByName.set(check.name, (passedByName.get(check.name) ?? 0) + 1);
    for (const [name, count] of passedByName)
      lines.push(`   ok    ${name}${count > 1 ? ` (×${count})` : ""}`);
    for (const check of failed) {
      lines.push(`   FAIL  ${check.name}${check.subject === undefined ? "" : ` [${check.subject}]`}`);
      if (check.detail !== undefined) lines.push(`         ${check.detail}`);
      if (check.exchange) lines.push(...describeExchange(check.exchange, "         "));
    }
  });
  return lines;
}

function requestLog(exchanges: readonly Exchange[]): string[] {
  return [
    "",
    "Every request:",
    ...exchanges.map(
      (exchange) =>
        `${String(exchange.seq).padStart(5)} ${exchange.method} ${exchange.path} → ${exchange.status === 0 ? (exchange.error ?? "no response") : exchange.status} (${Math.round(exchange.latencyMs)} ms)`,
    ),
  ];
}

function galleryLines(report: Report): string[] {
  if (report.gallery.length === 0) return [];
  const count = (result: string) => report.gallery.filter((test) => test.result === result).length;
  const lines = [
    "",
    `Microsoft gallery validation tests: ${count("PASSED")} passed, ${count("FAILED")} failed, ${count("WARNING")} warnings (optional tests), ${count("SKIPPED")} skipped`,
  ];
  const overall = galleryOverall(report.gallery);
  if (overall !== undefined)
    lines.push(
      `  Microsoft's overall result: ${overall.succeeded ? "Succeeded" : "Failed"} (${overall.reason})`,
    );
  for (const test of report.gallery)
    lines.push(
      `  ${test.result.padEnd(7)} ${test.name}${test.mandatory ? "" : " (optional)"}${test.reason === undefined ? "" : ` — ${test.reason}`}`,
    );
  return lines;
}

function forecastLines(report: Report): string[] {
  const { quarantine, problems, requests } = report;
  const loud = problems.flatMap((problem, index) => (problem.silent ? [] : [index + 1]));
  const silent = problems.flatMap((problem, index) => (problem.silent ? [index + 1] : []));
  return [
    "",
    `Forecast (from the replay's own ${requests.total} requests; a real job's numbers depend on how often each operation happens in your directory):`,
    `  Fail loudly (errors in Entra's provisioning log, counted toward quarantine): ${loud.length === 0 ? "none" : `problems ${loud.join(", ")}`}`,
    `  Fail silently (no error, wrong result in the app): ${silent.length === 0 ? "none" : `problems ${silent.join(", ")}`}`,
    `  Quarantine: ${quarantine.verdict}`,
    ...quarantine.explanation.map((line) => `    ${line}`),
  ];
}

/** The human report; its last line is `N passed, N failed` on its own. */
export function formatReport(report: Report, verbose = false): string {
  const { settings, requests } = report;
  const lines = [
    headline(report),
    `  target ${report.target}`,
    `  suite ${settings.suite}, dialect ${settings.dialect}, ${settings.users} users, ${settings.groups} groups, concurrency ${settings.concurrency}${settings.rate === undefined ? "" : `, rate ≤ ${settings.rate}/s`}, timeout ${settings.timeoutMs / 1000} s per request`,
    ...report.notes.map((note) => `  Note: ${note}`),
  ];
  if (report.stopped !== undefined) {
    lines.push("", report.stopped.message);
    if (report.stopped.exchange !== undefined) lines.push(...describeExchange(report.stopped.exchange, "  "));
  }
  if (report.problems.length > 0)
    lines.push("", report.stopped === undefined ? "Problems:" : "Problems found before the stop:");
  report.problems.forEach((problem, index) => lines.push(...problemLines(problem, index)));
  lines.push(...galleryLines(report));
  if (report.stopped === undefined) lines.push(...forecastLines(report));
  if (verbose) lines.push(...stepLines(report), ...requestLog(report.exchanges));
  const statuses = Object.entries(requests.byStatus)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
  lines.push(
    "",
    `Requests: ${requests.total} in ${(report.durationMs / 1000).toFixed(1)} s (${requests.perSecond}/s); statuses ${statuses}; latency p50 ${requests.latencyMs.p50} ms, p95 ${requests.latencyMs.p95} ms, max ${requests.latencyMs.max} ms`,
    ...throttledLines(requests),
    ...(verbose ? [] : ["Every check and request: --verbose (text) or --json."]),
    `${report.passed} passed, ${report.failed} failed`,
  );
  return lines.join("\n");
}

/** 429s are Entra's normal back-pressure: said, not failed. */
function throttledLines(requests: Report["requests"]): string[] {
  const { requests: count, waitedMs } = requests.throttled;
  if (count === 0) return [];
  return [
    `Throttled: ${count} answers were 429; each was retried after its Retry-After (${(waitedMs / 1000).toFixed(1)} s waited in all), as Entra does. Not counted as failures.`,
  ];
}

/** The machine report: every check, with request and response only where a check failed. */
export function jsonReport(report: Report): string {
  return JSON.stringify(
    {
      ...report,
      steps: report.steps.map((step) => ({
        ...step,
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
