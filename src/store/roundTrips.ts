import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { inRequestScope, requestScope } from "../lib/requestScope";

/**
 * Counts every HTTP attempt the Table SDK makes inside `work` (retries included), so tests and
 * benchmarks can assert how many storage round trips an operation costs.
 */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  const scope = { storageRoundTrips: 0 };
  const result = await inRequestScope(scope, work);
  return { result, roundTrips: scope.storageRoundTrips };
}

export const roundTripCountingPolicy: PipelinePolicy = {
  name: "scimRoundTripCounter",
  sendRequest: (request, next) => {
    const scope = requestScope();
    if (scope) scope.storageRoundTrips += 1;
    return next(request);
  },
};

/**
 * Adds rows (entities) storage returned to the request's count, so tests and the bench can check
 * that a listing reads in proportion to what it returns.
 */
export function countRowsRead(rows: number): void {
  const scope = requestScope();
  if (scope) scope.storageRowsRead = (scope.storageRowsRead ?? 0) + rows;
}

/** Adds keys a key-only count returned (1,000 per round trip, no documents) to the request's count. */
export function countKeysRead(keys: number): void {
  const scope = requestScope();
  if (scope) scope.storageKeysRead = (scope.storageKeysRead ?? 0) + keys;
}
