/**
 * Entra's published quarantine rules for a provisioning job. Reference failures (an unresolvable
 * manager or group member) count only toward `absoluteCap`.
 */
export declare const QUARANTINE_RULES: {
  /** The failure-rate rules apply once this many (non-reference) events have failed. */
  readonly minimumFailures: number;
  /** Quarantine when more than this share of provisioning events fail... */
  readonly failureShare: number;
  /** ...or when more than this many fail. */
  readonly maximumFailures: number;
  /** More failures than this, reference failures included, quarantine the job whatever the share. */
  readonly absoluteCap: number;
};
