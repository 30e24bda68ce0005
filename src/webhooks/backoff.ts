/**
 * Delay before each retry, in seconds: 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h,
 * 24 h: the last attempt comes almost 4 days (about 95 h) after the first. A small random spread keeps
 * retries of many events from arriving together.
 */
const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 86_400, 86_400];

/** Attempts in all: the first one and one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** Seconds to wait after failed attempt `attempt` (1-based); undefined when it was the last. */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** The whole retry schedule's length in seconds (without the spread). */
export function retryWindowSeconds(): number {
  return RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
}
