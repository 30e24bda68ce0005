/** A setup link as stored: never the secret, only its hash (the row key). */
export interface SetupLinkRecord {
  /** A short, non-secret name of the link (the start of its hash), for listing and revoking. */
  readonly linkId: string;
  readonly created: string;
  readonly expiresAt: string;
  readonly usedAt?: string;
  /** The portal session the link started (set when it is used). */
  readonly sessionId?: string;
  readonly revokedAt?: string;
}

/** A portal session as stored: keyed by the hash of the cookie's secret. */
export interface PortalSessionRecord {
  readonly sessionId: string;
  readonly linkId: string;
  readonly created: string;
  /** The last request seen (updated at most once a minute): the idle timeout counts from it. */
  readonly lastSeen: string;
  /** The absolute end, whatever the activity. */
  readonly expiresAt: string;
  readonly endedAt?: string;
}

export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

/**
 * Where setup links and portal sessions live: rows in the tenant's own partition (any instance can
 * serve a session), keyed by the SHA-256 of their secrets.
 */
export interface PortalStore {
  createLink(tenantId: string, hash: string, link: SetupLinkRecord): Promise<void>;
  readLink(tenantId: string, hash: string): Promise<Versioned<SetupLinkRecord> | undefined>;
  /** Writes `link` only if the row is still at `etag`; false when someone changed it first. */
  replaceLink(tenantId: string, hash: string, link: SetupLinkRecord, etag: string): Promise<boolean>;
  listLinks(tenantId: string): Promise<{ hash: string; link: SetupLinkRecord }[]>;
  createSession(tenantId: string, hash: string, session: PortalSessionRecord): Promise<void>;
  readSession(tenantId: string, hash: string): Promise<PortalSessionRecord | undefined>;
  replaceSession(tenantId: string, hash: string, session: PortalSessionRecord): Promise<void>;
  listSessions(tenantId: string): Promise<{ hash: string; session: PortalSessionRecord }[]>;
  deleteLink(tenantId: string, hash: string): Promise<void>;
  deleteSession(tenantId: string, hash: string): Promise<void>;
}
