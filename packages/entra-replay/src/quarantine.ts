import { QUARANTINE_RULES } from "entra-provisioning-limits";
import type { Exchange } from "./client";

// Entra's published quarantine rules (docs/entra-behaviour.md#quarantine-rules, "subject to change"),
// shared with the connector's own outlook, applied to what one replay saw.

type QuarantineReason = "EncounteredQuarantineException" | "EncounteredEscrowProportionThreshold";

export interface QuarantineInput {
  /** Provisioning events (matching, create, read, update, delete), reference updates excluded. */
  readonly events: number;
  readonly failures: number;
  /** Manager and group-membership updates: excluded from the share and the 40,000 rule. */
  readonly referenceEvents: number;
  readonly referenceFailures: number;
  /** 401/403 or no connection: quarantine at once, whatever the counts. */
  readonly credentialProblems: readonly string[];
  /** SCIM-compliance problems such as 404 instead of 200 on a query: quarantine at once. */
  readonly complianceProblems: readonly string[];
}

export interface QuarantineForecast {
  /** A real job that saw this traffic would be quarantined. */
  readonly quarantined: boolean;
  /** Not quarantined by these counts, but the same failure share at production volume would be. */
  readonly quarantinedAtScale: boolean;
  readonly reason?: QuarantineReason;
  readonly verdict: string;
  readonly explanation: readonly string[];
  readonly input: QuarantineInput;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

export function forecastQuarantine(input: QuarantineInput): QuarantineForecast {
  const { events, failures, referenceFailures } = input;
  const share = events === 0 ? 0 : failures / events;
  const counts = `${failures} of ${events} provisioning events failed (${percent(failures, events)}), plus ${referenceFailures} of ${input.referenceEvents} reference updates`;
  const immediate = [
    ...input.credentialProblems.map((problem) => `credentials or connection: ${problem}`),
    ...input.complianceProblems.map((problem) => `SCIM compliance: ${problem}`),
  ];
  if (immediate.length > 0) {
    return {
      quarantined: true,
      quarantinedAtScale: true,
      reason: "EncounteredQuarantineException",
      verdict: "QUARANTINED at once (EncounteredQuarantineException)",
      explanation: [
        "Credential and SCIM-compliance failures quarantine a job whatever the failure counts:",
        ...immediate,
        counts,
      ],
      input,
    };
  }
  const { minimumFailures, failureShare, maximumFailures, absoluteCap } = QUARANTINE_RULES;
  const byShare = failures >= minimumFailures && share > failureShare;
  const byCount = failures >= minimumFailures && failures > maximumFailures;
  const byCap = failures + referenceFailures > absoluteCap;
  if (byShare || byCount || byCap) {
    const rule = byShare
      ? `more than ${failureShare * 100}% of events failed with at least ${minimumFailures} failures`
      : byCount
        ? `more than ${maximumFailures} failures`
        : `more than ${absoluteCap} failures including reference failures`;
    return {
      quarantined: true,
      quarantinedAtScale: true,
      reason: "EncounteredEscrowProportionThreshold",
      verdict: "QUARANTINED (EncounteredEscrowProportionThreshold)",
      explanation: [`${counts}: ${rule}.`],
      input,
    };
  }
  if (share > failureShare) {
    const eventsNeeded = Math.ceil(minimumFailures / share);
    return {
      quarantined: false,
      quarantinedAtScale: true,
      verdict: `QUARANTINED AT SCALE (EncounteredEscrowProportionThreshold once ${minimumFailures.toLocaleString("en-US")} events fail)`,
      explanation: [
        `${counts}. Below the ${minimumFailures}-failure floor here, but more than ${failureShare * 100}% of events fail: a real job with about ${eventsNeeded} events at this rate would be quarantined.`,
      ],
      input,
    };
  }
  return {
    quarantined: false,
    quarantinedAtScale: false,
    verdict: "not quarantined",
    explanation: [
      `${counts}; no credential or SCIM-compliance failure, failure share at or below ${failureShare * 100}%.`,
    ],
    input,
  };
}

/** What Entra would log as a failed event for an exchange, beyond the checks' own judgement. */
function transportFailure(exchange: Exchange): boolean {
  return (
    exchange.status === 0 ||
    exchange.status === 401 ||
    exchange.status === 403 ||
    exchange.status === 429 ||
    exchange.status >= 500
  );
}

function describe(exchange: Exchange): string {
  const outcome = exchange.status === 0 ? (exchange.error ?? "no response") : `HTTP ${exchange.status}`;
  return `${exchange.method} ${exchange.path} → ${outcome}`;
}

/** A collection query (`GET /Users?filter=…`, `GET /Groups?…`), which must answer 200. */
function isQuery(exchange: Exchange): boolean {
  return exchange.method === "GET" && /^\/+(users|groups)\/?(\?|$)/i.test(exchange.path);
}

/**
 * Counts events from the exchanges. `failedSeqs` are the exchanges a check judged failed the way
 * Entra would log them (wrong status, undeserializable body). Deliberate negative checks and the
 * replay's own clean-up are not provisioning events.
 */
export function quarantineInput(
  exchanges: readonly Exchange[],
  failedSeqs: ReadonlySet<number>,
): QuarantineInput {
  let events = 0;
  let failures = 0;
  let referenceEvents = 0;
  let referenceFailures = 0;
  const credentialProblems: string[] = [];
  const complianceProblems: string[] = [];
  for (const exchange of exchanges) {
    if (exchange.kind === "negative" || exchange.kind === "cleanup") continue;
    const failed = failedSeqs.has(exchange.seq) || transportFailure(exchange);
    if (exchange.kind === "reference") {
      referenceEvents += 1;
      if (failed) referenceFailures += 1;
    } else {
      events += 1;
      if (failed) failures += 1;
    }
    const noConnection = exchange.status === 0 && !(exchange.error ?? "").startsWith("no response within");
    if (exchange.status === 401 || exchange.status === 403 || noConnection)
      credentialProblems.push(describe(exchange));
    else if (exchange.status === 404 && isQuery(exchange))
      complianceProblems.push(`${describe(exchange)} instead of 200 with an empty ListResponse`);
    else if (exchange.kind === "probe" && failed)
      complianceProblems.push(`Test Connection probe failed: ${describe(exchange)}`);
  }
  return {
    events,
    failures,
    referenceEvents,
    referenceFailures,
    credentialProblems: dedupe(credentialProblems),
    complianceProblems: dedupe(complianceProblems),
  };
}

function dedupe(items: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].slice(0, 10).map(([item, count]) => (count > 1 ? `${item} (×${count})` : item));
}
