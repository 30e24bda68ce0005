export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive"
  // RFC 9865 (cursor pagination)
  | "invalidCursor"
  | "expiredCursor";

/** A protocol error that maps onto a SCIM Error response (RFC 7644 §3.12). */
export class ScimError extends Error {
  /** Sent as `Retry-After` (a 429 says when the client may come back). */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = "ScimError";
  }
}

export const badRequest = (scimType: ScimType, detail: string): ScimError =>
  new ScimError(400, detail, scimType);

export const notFound = (detail: string): ScimError => new ScimError(404, detail);

/**
 * 501: the client asked for a feature the connector does not offer (RFC 7644 §3.2), such as a search
 * across resource types. The client's choice, not a fault of the service: never a server error in the
 * request log, the summary, the outlook or the alerts.
 */
export const UNSUPPORTED_STATUS = 501;

export const unsupported = (detail: string): ScimError => new ScimError(UNSUPPORTED_STATUS, detail);

export const conflict = (detail: string): ScimError => new ScimError(409, detail, "uniqueness");

/**
 * A reference that cannot be resolved (a group member that is no user or group of the tenant).
 * Entra counts these apart: they do not count toward its 40 % and 40,000 quarantine rules.
 */
export class UnresolvableReferenceError extends ScimError {
  constructor(detail: string) {
    super(400, detail, "invalidValue");
    this.name = "UnresolvableReferenceError";
  }
}
