import { auditRecord, type AuditOperation } from "../../service/audit";
import type { AuditLog } from "../../service/auditLog";
import { TenantAdminError } from "../tenantAdmin";
import type { TenantRegistry } from "../tenantRegistry";
import { newTenantSecret, parseTenantSecret, shortId } from "./portalSecrets";
import type { PortalStore, SetupLinkRecord } from "./portalStore";

export const DEFAULT_SETUP_LINK_HOURS = 72;
export const MAX_SETUP_LINK_HOURS = 14 * 24;
const HOUR_MS = 60 * 60 * 1000;

export interface NewSetupLink {
  readonly linkId: string;
  /** The secret itself (`<tenantId>.<random>`): shown once, stored only as its SHA-256. */
  readonly secret: string;
  readonly expiresAt: string;
}

export type SetupLinkState = "active" | "used" | "expired" | "revoked";

export interface SetupLinkSummary {
  readonly linkId: string;
  readonly created: string;
  readonly expiresAt: string;
  readonly state: SetupLinkState;
  readonly usedAt?: string;
  readonly revokedAt?: string;
}

function stateOf(link: SetupLinkRecord, now: Date): SetupLinkState {
  if (link.revokedAt) return "revoked";
  if (link.usedAt) return "used";
  return Date.parse(link.expiresAt) <= now.getTime() ? "expired" : "active";
}

function summary(link: SetupLinkRecord, now: Date): SetupLinkSummary {
  return {
    linkId: link.linkId,
    created: link.created,
    expiresAt: link.expiresAt,
    state: stateOf(link, now),
    ...(link.usedAt ? { usedAt: link.usedAt } : {}),
    ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
  };
}

/**
 * The operator's setup links: each opens the self-service portal for one tenant, once, before it
 * expires, unless revoked. Only the SHA-256 of the secret is stored; using a link replaces its row
 * under the ETag read, so two simultaneous uses start exactly one session.
 */
export class SetupLinks {
  constructor(
    private readonly store: PortalStore,
    private readonly registry: TenantRegistry,
    private readonly auditLog: AuditLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(tenantId: string, hours = DEFAULT_SETUP_LINK_HOURS): Promise<NewSetupLink> {
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_SETUP_LINK_HOURS) {
      throw new TenantAdminError(`A setup link lasts more than 0 and at most ${MAX_SETUP_LINK_HOURS} hours.`);
    }
    await this.mustExist(tenantId);
    const now = this.clock();
    const secret = newTenantSecret(tenantId);
    const parsed = parseTenantSecret(secret);
    if (parsed === undefined) throw new Error("a new setup link secret did not parse");
    const link: SetupLinkRecord = {
      linkId: shortId(parsed.hash),
      created: now.toISOString(),
      expiresAt: new Date(now.getTime() + hours * HOUR_MS).toISOString(),
    };
    await this.audit(tenantId, "setupLinkCreated", link.linkId, { expiresAt: link.expiresAt });
    await this.store.createLink(tenantId, parsed.hash, link);
    return { linkId: link.linkId, secret, expiresAt: link.expiresAt };
  }

  async list(tenantId: string): Promise<SetupLinkSummary[]> {
    await this.mustExist(tenantId);
    const now = this.clock();
    const rows = await this.store.listLinks(tenantId);
    return rows.map(({ link }) => summary(link, now)).sort((a, b) => b.created.localeCompare(a.created));
  }

  async revoke(tenantId: string, linkId: string): Promise<SetupLinkSummary> {
    await this.mustExist(tenantId);
    const row = (await this.store.listLinks(tenantId)).find(({ link }) => link.linkId === linkId);
    if (row === undefined) {
      throw new TenantAdminError(`Tenant '${tenantId}' has no setup link '${linkId}'.`, "notFound");
    }
    const now = this.clock();
    if (row.link.revokedAt) return summary(row.link, now);
    const current = await this.store.readLink(tenantId, row.hash);
    if (current === undefined) throw new TenantAdminError(`Setup link '${linkId}' is gone.`, "notFound");
    const revoked = { ...current.value, revokedAt: now.toISOString() };
    if (!(await this.store.replaceLink(tenantId, row.hash, revoked, current.etag))) {
      throw new TenantAdminError(`Setup link '${linkId}' changed meanwhile; try again.`, "conflict");
    }
    await this.audit(tenantId, "setupLinkRevoked", linkId, { state: "revoked" });
    return summary(revoked, now);
  }

  /** Deletes the tenant's links that expired more than `retentionDays` ago, whatever became of them. */
  async purge(tenantId: string, retentionDays: number): Promise<number> {
    const before = new Date(this.clock().getTime() - retentionDays * 24 * HOUR_MS);
    const expired = (await this.store.listLinks(tenantId)).filter(
      ({ link }) => Date.parse(link.expiresAt) < before.getTime(),
    );
    for (const { hash } of expired) await this.store.deleteLink(tenantId, hash);
    return expired.length;
  }

  /**
   * Uses the link for the session `sessionId`: the tenant and link when it was valid and is now used;
   * undefined for anything else (malformed, unknown, expired, used, revoked, lost a race, tenant
   * disabled), which the caller answers with one and the same 401.
   */
  async consume(
    secret: string,
    sessionId: string,
  ): Promise<{ tenantId: string; linkId: string } | undefined> {
    const parsed = parseTenantSecret(secret);
    if (parsed === undefined) return undefined;
    const { tenantId, hash } = parsed;
    const current = await this.store.readLink(tenantId, hash);
    const now = this.clock();
    if (current === undefined || stateOf(current.value, now) !== "active") return undefined;
    if ((await this.registry.get(tenantId))?.status !== "active") return undefined;
    const used = { ...current.value, usedAt: now.toISOString(), sessionId };
    if (!(await this.store.replaceLink(tenantId, hash, used, current.etag))) return undefined;
    await this.audit(tenantId, "setupLinkUsed", used.linkId, { session: sessionId });
    return { tenantId, linkId: used.linkId };
  }

  private async audit(
    tenantId: string,
    operation: AuditOperation,
    linkId: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const changes = Object.entries(detail).map(([attribute, after]) => ({ attribute, after }));
    await this.auditLog.append(
      tenantId,
      auditRecord(operation, "SetupLink", linkId, changes, this.clock().toISOString()),
    );
  }

  private async mustExist(tenantId: string): Promise<void> {
    if ((await this.registry.get(tenantId)) === undefined)
      throw new TenantAdminError(`Tenant '${tenantId}' does not exist.`, "notFound");
  }
}
