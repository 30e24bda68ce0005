/**
 * What the app reports to Application Insights, as plain data: the tags of each SCIM request and the
 * provisioning events. Property values are ids, names and codes only: never a token, a secret or a body.
 */

/** The collection a request addresses (`oauth` for the token endpoint, `unknown` for unmatched paths). */
export type ScimResource =
  "Users" | "Groups" | "ServiceProviderConfig" | "ResourceTypes" | "Schemas" | "oauth" | "unknown";

export type ScimOperationName =
  | "create"
  | "get"
  | "list"
  | "filter"
  | "replace"
  | "patch"
  | "delete"
  | "search"
  | "token"
  | "discovery"
  | "unknown";

/**
 * How the request ended. Entra quarantines a job on auth failures and counts server errors toward its
 * failure threshold, so they are kept apart from the client errors (which carry their `scimType`).
 * `authFailure` is a 401/403 for a credential the tenant holds or held (its own client failing);
 * `unauthenticated` a 401 for no credential, one the tenant never issued, or no such tenant: anyone
 * can send those, so they are not the tenant's failures and do not fire its alert. `unsupported` is a
 * 501: the client asked for a feature the connector does not offer; not a fault of the service.
 */
export type RequestOutcome =
  "success" | "clientError" | "authFailure" | "serverError" | "unauthenticated" | "unsupported";

export interface RequestTelemetry {
  /** The tenant id from the URL, or `(invalid)` when the URL's tenant segment is not a tenant id. */
  readonly tenantId: string;
  readonly resource: ScimResource;
  readonly operation: ScimOperationName;
  readonly outcome: RequestOutcome;
  readonly status: number;
  /** RFC 7644 scimType of a 400/409 (e.g. `invalidFilter`, `uniqueness`), or the OAuth error code. */
  readonly errorType?: string;
  /** The function (route) name, as in the host's `requests.name`. */
  readonly route: string;
  readonly method: string;
  readonly correlationId: string;
  readonly durationMs: number;
  readonly storageRoundTrips?: number;
}

export type ProvisioningEventName =
  | "UserCreated"
  | "UserUpdated"
  | "UserDisabled"
  | "UserReenabled"
  | "UserDeleted"
  | "GroupCreated"
  | "GroupUpdated"
  | "GroupDeleted"
  | "MembersChanged"
  | "Conflict"
  | "AuthFailure";

export const PROVISIONING_EVENT_NAMES: readonly ProvisioningEventName[] = [
  "UserCreated",
  "UserUpdated",
  "UserDisabled",
  "UserReenabled",
  "UserDeleted",
  "GroupCreated",
  "GroupUpdated",
  "GroupDeleted",
  "MembersChanged",
  "Conflict",
  "AuthFailure",
];

export interface ProvisioningEvent {
  readonly name: ProvisioningEventName;
  readonly tenantId: string;
  readonly resource: ScimResource;
  /** The SCIM id of the user or group, when the request names or created one. */
  readonly resourceId?: string;
  readonly correlationId: string;
  /** Small non-identifying details: counts (membersAdded, membersRemoved) or the operation. */
  readonly details?: Readonly<Record<string, string | number>>;
}

/** The sink the HTTP layer reports to: App Insights in Azure, nothing locally, a recorder in tests. */
export interface Telemetry {
  trackRequest(request: RequestTelemetry): void;
  trackEvent(event: ProvisioningEvent): void;
  /** Sends what is buffered (the SDK batches); resolves when done or when there is nothing to send. */
  flush(): Promise<void>;
}
