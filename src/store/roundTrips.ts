import { AsyncLocalStorage } from "node:async_hooks";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

interface Counter {
  count: number;
}

const current = new AsyncLocalStorage<Counter>();

/**
 * Counts every HTTP attempt the Table SDK makes inside `work` (retries included), so tests and
 * benchmarks can assert how many storage round trips a SCIM operation costs.
 */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  const counter: Counter = { count: 0 };
  const result = await current.run(counter, work);
  return { result, roundTrips: counter.count };
}

export const roundTripCountingPolicy: PipelinePolicy = {
  name: "scimRoundTripCounter",
  sendRequest: (request, next) => {
    const counter = current.getStore();
    if (counter) counter.count += 1;
    return next(request);
  },
};
