import { RestError } from "@azure/data-tables";
import { ScimError } from "../scim/errors";

/** Seconds a client should wait before retrying when storage is unavailable. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export class StorageUnavailableError extends ScimError {
  constructor() {
    super(503, "The directory store is temporarily unavailable; retry later.");
    this.name = "StorageUnavailableError";
  }
}

/**
 * The status a store method acts on. A missing table (deleted by an operator, a wrong setting) is a
 * 404 too, but a storage fault, never "no such resource": it reads as 503.
 */
export function statusOf(error: unknown): number | undefined {
  if (!(error instanceof RestError)) return undefined;
  if (error.statusCode === 404 && isTableNotFound(error)) return 503;
  return error.statusCode;
}

// Azure sets `code`; Azurite's JSON error body sometimes reaches only the message.
function isTableNotFound(error: RestError): boolean {
  return error.code === "TableNotFound" || error.message.includes('"code":"TableNotFound"');
}

/** Index of the failing action in a transaction error ("3:The specified entity already exists."). */
export function failedActionIndex(error: unknown): number | undefined {
  if (!(error instanceof RestError)) return undefined;
  const match = /^(\d+):/.exec(error.message) ?? /"message":\{[^}]*"value":"(\d+):/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * A storage fault must never look like a client error (a 401, 404 or 409 would make Entra give
 * up on the object or quarantine the job): anything that is not a known answer becomes 503.
 */
export function unavailable(error: unknown): never {
  if (error instanceof ScimError) throw error;
  throw new StorageUnavailableError();
}
