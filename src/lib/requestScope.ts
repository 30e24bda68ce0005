import { AsyncLocalStorage } from "node:async_hooks";

/** What one request carries through every async call it makes. */
export interface RequestScope {
  /** Who and which request a change comes from, for the audit trail. */
  readonly correlationId?: string;
  /** `token:<id>` or `client:<id>`: the credential's id, never its value. Set once authenticated. */
  credentialId?: string;
  /** HTTP attempts the Table SDK made inside the scope, retries included. */
  storageRoundTrips: number;
  /** Rows (entities) storage returned inside the scope, where the stores count them. */
  storageRowsRead?: number;
  /** Keys returned by key-only counts (totalResults), apart from the rows above. */
  storageKeysRead?: number;
  /** Directory changes committed inside the scope (each wrote its outbox row): 0 for a read. */
  changesCommitted?: number;
}

// One AsyncLocalStorage for everything a request carries: on Node 20 every instance adds work to
// each promise and socket the request creates, and a storage call creates hundreds.
const current = new AsyncLocalStorage<RequestScope>();

export function inRequestScope<T>(scope: RequestScope, work: () => Promise<T>): Promise<T> {
  return current.run(scope, work);
}

export function requestScope(): RequestScope | undefined {
  return current.getStore();
}

/** Counts a committed directory change in the current request, so only writes notify the webhooks. */
export function noteChangesCommitted(count: number): void {
  const scope = current.getStore();
  if (scope && count > 0) scope.changesCommitted = (scope.changesCommitted ?? 0) + count;
}
