import { ScimError } from "../scim/errors";

/** Seconds a client should wait before retrying when storage is unavailable. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export class StorageUnavailableError extends ScimError {
  /** `cause` (the SDK's error) is for the operator's tools; responses carry only the detail. */
  constructor(cause?: unknown) {
    super(503, "The directory store is temporarily unavailable; retry later.");
    this.name = "StorageUnavailableError";
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * A storage fault must never look like a client error (a 401, 404 or 409 would make Entra give
 * up on the object or quarantine the job): anything that is not a known answer becomes 503.
 */
export function unavailable(error: unknown): never {
  if (error instanceof ScimError) throw error;
  throw new StorageUnavailableError(error);
}
