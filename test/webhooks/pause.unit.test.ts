import {
  afterFailure,
  afterSuccess,
  droppable,
  endPause,
  FAILURES_BEFORE_PAUSE,
  pauseSeconds,
  probeDue,
} from "../../src/webhooks/pause";
import type { WebhookEndpoint } from "../../src/webhooks/webhookStore";

const NOW = new Date("2026-01-01T00:00:00.000Z");
const endpoint: WebhookEndpoint = {
  id: "we_1",
  url: "https://hooks.example.com/x",
  eventTypes: [],
  status: "enabled",
  created: NOW.toISOString(),
};
const failed = (sequence: number, extra: { timedOut?: boolean; probe?: boolean; now?: Date } = {}) => ({
  sequence,
  timedOut: extra.timedOut ?? false,
  probe: extra.probe ?? false,
  now: extra.now ?? NOW,
});
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe("an endpoint's pause (circuit breaker)", () => {
  it("pauses at the first timeout, from the event that timed out, for 30 s", () => {
    const { endpoint: after, paused } = afterFailure(endpoint, failed(7, { timedOut: true }));
    expect(paused).toBe(true);
    expect(after.paused).toEqual({
      since: NOW.toISOString(),
      until: later(30).toISOString(),
      strikes: 1,
      from: 7,
    });
    expect(after).toMatchObject({ failures: 1, failingSince: NOW.toISOString() });
  });

  it("pauses after a run of failures without a timeout, not before", () => {
    let current = endpoint;
    for (let failure = 1; failure < FAILURES_BEFORE_PAUSE; failure += 1) {
      const next = afterFailure(current, failed(failure));
      expect(next.paused).toBe(false);
      current = next.endpoint;
    }
    expect(current.paused).toBeUndefined();
    // The earlier failures have their own retries queued; arriving during the pause, they move `from` back.
    expect(afterFailure(current, failed(9)).endpoint.paused).toMatchObject({ strikes: 1, from: 9 });
  });

  it("a failure while paused only moves its start back; it schedules no second probe", () => {
    const paused = afterFailure(endpoint, failed(7, { timedOut: true })).endpoint;
    const older = afterFailure(paused, failed(3, { timedOut: true }));
    expect(older.paused).toBe(false);
    expect(older.endpoint.paused).toMatchObject({ strikes: 1, from: 3, until: paused.paused?.until });
  });

  it("a failed probe doubles the pause (capped at an hour); a second probe of the same pause prolongs nothing", () => {
    const first = afterFailure(endpoint, failed(5, { timedOut: true })).endpoint;
    const probed = afterFailure(first, failed(5, { timedOut: true, probe: true, now: later(30) }));
    expect(probed.paused).toBe(true);
    expect(probed.endpoint.paused).toEqual({
      since: NOW.toISOString(),
      until: later(30 + 60).toISOString(),
      strikes: 2,
      from: 5,
    });
    const again = afterFailure(probed.endpoint, failed(5, { probe: true, now: later(31) }));
    expect(again.paused).toBe(false);
    expect(again.endpoint.paused?.strikes).toBe(2);
    expect(pauseSeconds(20)).toBe(3600);
  });

  it("a success ends the failure run and resumes a pause from where it began", () => {
    const paused = afterFailure(endpoint, failed(4, { timedOut: true })).endpoint;
    expect(afterSuccess(paused)).toEqual({ ...endpoint, resumeFrom: 4 });
    expect(afterSuccess({ ...endpoint, failures: 2, failingSince: NOW.toISOString() })).toEqual(endpoint);
  });

  it("a probe is due once the pause has ended", () => {
    const pause = { since: NOW.toISOString(), until: later(30).toISOString(), strikes: 1, from: 1 };
    expect(probeDue(pause, later(29))).toBe(false);
    expect(probeDue(pause, later(30))).toBe(true);
  });

  it("drops, on what a process remembers, only deliveries queued before the pause for events the resume sends", () => {
    const pause = { since: NOW.toISOString(), until: later(30).toISOString(), strikes: 1, from: 5 };
    const before = NOW.getTime() - 1000;
    expect(droppable(pause, { sequence: 6, queuedAt: before }, later(1))).toBe(true);
    // Before the pause's start: the endpoint is read, and the pause moved back to it.
    expect(droppable(pause, { sequence: 4, queuedAt: before }, later(1))).toBe(false);
    // Queued after the pause began (a replay, a resume, a fan-out after another instance resumed it).
    expect(droppable(pause, { sequence: 6, queuedAt: later(2).getTime() }, later(3))).toBe(false);
    expect(droppable(pause, { sequence: 6 }, later(1))).toBe(false);
    expect(droppable(pause, { sequence: 6, queuedAt: before, probe: true }, later(1))).toBe(false);
    expect(droppable(pause, { sequence: 6, queuedAt: before }, later(30))).toBe(false);
  });

  it("an operator ends a pause: it resumes from the pause's start, and the failure run is kept", () => {
    const paused = afterFailure(endpoint, failed(4, { timedOut: true })).endpoint;
    expect(endPause(paused)).toEqual({
      ...endpoint,
      failures: 1,
      failingSince: NOW.toISOString(),
      resumeFrom: 4,
    });
    expect(endPause(endpoint)).toBe(endpoint);
  });
});
