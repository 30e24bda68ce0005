import type { WebhookEndpoint } from "./webhookStore";

/**
 * The endpoint's circuit breaker. A delivery that times out (it held a connection the whole
 * deadline), or a run of failed attempts, pauses the endpoint: until `until` nothing is sent to it,
 * its queued deliveries are dropped and its new events are not fanned out to it (they stay in the
 * feed), so a dead endpoint costs no connection, no queue message and no storage write per change.
 * At `until` one probe is sent; its success resumes the endpoint from `from`, its failure pauses
 * it again for twice as long.
 */
export interface EndpointPause {
  /** When the pause began (a failed probe prolongs it, keeping this). */
  readonly since: string;
  readonly until: string;
  /** Pauses in a row: the length doubles with each one. */
  readonly strikes: number;
  /** The oldest event not delivered because of the pause: delivery resumes from here. */
  readonly from: number;
}

/** Failed attempts in a row (without a timeout) that pause an endpoint. */
export const FAILURES_BEFORE_PAUSE = 5;
const FIRST_PAUSE_SECONDS = 30;
const MAX_PAUSE_SECONDS = 60 * 60;

export function pauseSeconds(strikes: number): number {
  return Math.min(FIRST_PAUSE_SECONDS * 2 ** Math.max(0, strikes - 1), MAX_PAUSE_SECONDS);
}

export interface FailedAttempt {
  readonly sequence: number;
  readonly timedOut: boolean;
  /** The attempt was the paused endpoint's probe. */
  readonly probe: boolean;
  readonly now: Date;
}

/**
 * The endpoint after a failed attempt, and whether this attempt opened (or prolonged) the pause,
 * in which case its caller schedules the next probe: one probe per pause, whoever failed first.
 */
export function afterFailure(
  current: WebhookEndpoint,
  attempt: FailedAttempt,
): { endpoint: WebhookEndpoint; paused: boolean } {
  const failures = (current.failures ?? 0) + 1;
  const failingSince = current.failingSince ?? attempt.now.toISOString();
  const from = Math.min(current.paused?.from ?? attempt.sequence, attempt.sequence);
  // A probe counts only while its pause is due: a second probe of the same pause prolongs nothing.
  const probing = attempt.probe && current.paused !== undefined && probeDue(current.paused, attempt.now);
  if (current.paused && !probing) {
    return {
      endpoint: { ...current, failingSince, failures, paused: { ...current.paused, from } },
      paused: false,
    };
  }
  if (!probing && !attempt.timedOut && failures < FAILURES_BEFORE_PAUSE) {
    return { endpoint: { ...current, failingSince, failures }, paused: false };
  }
  const strikes = (current.paused?.strikes ?? 0) + 1;
  const since = current.paused?.since ?? attempt.now.toISOString();
  const until = new Date(attempt.now.getTime() + pauseSeconds(strikes) * 1000).toISOString();
  return {
    endpoint: { ...current, failingSince, failures, paused: { since, until, strikes, from } },
    paused: true,
  };
}

/** The endpoint with its pause ended (by an operator): it resumes from the pause's start; the failure run goes on. */
export function endPause(current: WebhookEndpoint): WebhookEndpoint {
  const { paused, ...rest } = current;
  if (!paused) return current;
  return { ...rest, resumeFrom: Math.min(current.resumeFrom ?? paused.from, paused.from) };
}

/** The endpoint after a delivered attempt: the failure run ends, and a pause ends by resuming from its start. */
export function afterSuccess(current: WebhookEndpoint): WebhookEndpoint {
  const { failingSince: _since, failures: _failures, ...rest } = endPause(current);
  return rest;
}

/**
 * Whether a paused endpoint's delivery can be dropped on what this process remembers of the pause,
 * without reading the endpoint: only a delivery queued before the pause began, for an event the
 * resume will send again. Anything queued later (a replay, a resume, a fan-out after another
 * instance resumed it) is checked against the endpoint as stored.
 */
export function droppable(
  pause: EndpointPause,
  delivery: { readonly sequence: number; readonly queuedAt?: number; readonly probe?: true },
  now: Date,
): boolean {
  if (delivery.probe || delivery.queuedAt === undefined || probeDue(pause, now)) return false;
  return delivery.sequence >= pause.from && delivery.queuedAt <= Date.parse(pause.since);
}

/** Whether a success has anything to change (most have not: no write then). */
export function hasFailureState(endpoint: WebhookEndpoint): boolean {
  return (
    endpoint.failingSince !== undefined || endpoint.failures !== undefined || endpoint.paused !== undefined
  );
}

/** The pause has ended: its probe may go out. */
export function probeDue(pause: EndpointPause, now: Date): boolean {
  return Date.parse(pause.until) <= now.getTime();
}
