import type { TenantRegistry } from "../tenantRegistry";
import { csrfTokenOf, newTenantSecret, parseTenantSecret, shortId } from "./portalSecrets";
import type { PortalSessionRecord, PortalStore } from "./portalStore";

export interface PortalSessionOptions {
  /** Without a request for this long, the session ends. */
  readonly idleTimeoutSeconds: number;
  /** The session ends this long after it started, however active. */
  readonly lifetimeSeconds: number;
  readonly clock?: () => Date;
}

export const DEFAULT_PORTAL_SESSION_OPTIONS: PortalSessionOptions = {
  idleTimeoutSeconds: 15 * 60,
  lifetimeSeconds: 8 * 60 * 60,
};

/** `lastSeen` is rewritten at most this often: one write a minute, not one per request. */
const TOUCH_AFTER_MS = 60_000;

/** A live session: who it is for, and what the page needs to keep using it. */
export interface PortalSession {
  readonly tenantId: string;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly idleTimeoutSeconds: number;
}

/** A new session's secret (the cookie's value) before it is stored: its id names it in the audit trail. */
export interface PendingSession {
  readonly secret: string;
  readonly sessionId: string;
}

/**
 * Portal sessions: the cookie holds `<tenantId>.<random>`, the tenant's partition holds the session
 * under the SHA-256 of that value, so any instance can serve it and a stolen table row opens nothing.
 * The tenant of every request comes from here, never from the URL or the body.
 */
export class PortalSessions {
  private readonly clock: () => Date;

  constructor(
    private readonly store: PortalStore,
    private readonly registry: TenantRegistry,
    private readonly options: PortalSessionOptions = DEFAULT_PORTAL_SESSION_OPTIONS,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** A fresh secret for a session about to start (after its setup link is used). */
  prepare(tenantId: string): PendingSession {
    const secret = newTenantSecret(tenantId);
    const parsed = parseTenantSecret(secret);
    if (parsed === undefined) throw new Error("a new session secret did not parse");
    return { secret, sessionId: shortId(parsed.hash) };
  }

  async start(pending: PendingSession, linkId: string): Promise<PortalSession> {
    const parsed = parseTenantSecret(pending.secret);
    if (parsed === undefined) throw new Error("a pending session secret did not parse");
    const now = this.clock();
    const record: PortalSessionRecord = {
      sessionId: pending.sessionId,
      linkId,
      created: now.toISOString(),
      lastSeen: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.options.lifetimeSeconds * 1000).toISOString(),
    };
    await this.store.createSession(parsed.tenantId, parsed.hash, record);
    return this.view(parsed.tenantId, pending.secret, record);
  }

  /** The live session the cookie names; undefined when malformed, unknown, ended, idle or too old. */
  async resume(secret: string | undefined): Promise<PortalSession | undefined> {
    const parsed = secret === undefined ? undefined : parseTenantSecret(secret);
    if (parsed === undefined || secret === undefined) return undefined;
    // Both reads at once: the cookie names the tenant, so its status need not wait for the session.
    const [record, tenant] = await Promise.all([
      this.store.readSession(parsed.tenantId, parsed.hash),
      this.registry.get(parsed.tenantId),
    ]);
    const now = this.clock();
    if (record === undefined || !this.isLive(record, now) || tenant?.status !== "active") return undefined;
    if (now.getTime() - Date.parse(record.lastSeen) >= TOUCH_AFTER_MS) {
      await this.store.replaceSession(parsed.tenantId, parsed.hash, {
        ...record,
        lastSeen: now.toISOString(),
      });
    }
    return this.view(parsed.tenantId, secret, record);
  }

  /** Signs out: the row is kept (ended) so the audit trail's session id still means something. */
  async end(secret: string): Promise<void> {
    const parsed = parseTenantSecret(secret);
    if (parsed === undefined) return;
    const record = await this.store.readSession(parsed.tenantId, parsed.hash);
    if (record === undefined || record.endedAt) return;
    await this.store.replaceSession(parsed.tenantId, parsed.hash, {
      ...record,
      endedAt: this.clock().toISOString(),
    });
  }

  /** Deletes the tenant's sessions that can no longer be used (ended, idle, past their lifetime). */
  async purge(tenantId: string): Promise<number> {
    const now = this.clock();
    const dead = (await this.store.listSessions(tenantId)).filter(
      ({ session }) => !this.isLive(session, now),
    );
    for (const { hash } of dead) await this.store.deleteSession(tenantId, hash);
    return dead.length;
  }

  private isLive(record: PortalSessionRecord, now: Date): boolean {
    if (record.endedAt) return false;
    if (Date.parse(record.expiresAt) <= now.getTime()) return false;
    return now.getTime() - Date.parse(record.lastSeen) < this.options.idleTimeoutSeconds * 1000;
  }

  private view(tenantId: string, secret: string, record: PortalSessionRecord): PortalSession {
    return {
      tenantId,
      sessionId: record.sessionId,
      csrfToken: csrfTokenOf(secret),
      expiresAt: record.expiresAt,
      idleTimeoutSeconds: this.options.idleTimeoutSeconds,
    };
  }
}
