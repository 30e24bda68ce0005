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
