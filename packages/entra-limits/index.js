"use strict";

// Plain JavaScript with its types in index.d.ts: a data module that every consumer (the Functions
// bundle, the replay's own compile, jest) loads as it is, with no build step of its own.

/**
 * Entra's published quarantine rules for a provisioning job (docs/entra-behaviour.md#quarantine-rules
 * in the connector's repository; Microsoft marks them "subject to change").
 */
exports.QUARANTINE_RULES = Object.freeze({
  minimumFailures: 5_000,
  failureShare: 0.4,
  maximumFailures: 40_000,
  absoluteCap: 60_000,
});
