import { auditRecord, type AuditOperation } from "../service/audit";
import type { AuditLog } from "../service/auditLog";
import { randomUUID } from "node:crypto";
import type { ClientRecord, CredentialStore, TokenRecord } from "./credentialStore";
import {
  isLive,
  previousTokenIds,
  withClient,
  withClientRevoked,
  withToken,
  withTokensRevoked,
} from "./credentials";
import { isValidTenantId } from "./tenantId";
import type { Tenant, TenantRegistry } from "./tenantRegistry";
import { generateClientSecret, generateSigningSecret, generateToken, hashToken } from "./tokens";

export const DEFAULT_ROTATION_GRACE_DAYS = 7;
export const DEFAULT_CLIENT_SECRET_YEARS = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Why a tenant operation was refused: the operator's tools map it to what to do. */
export type TenantAdminErrorReason = "invalid" | "notFound" | "conflict";

export class TenantAdminError extends Error {
  constructor(
    message: string,
    readonly reason: TenantAdminErrorReason = "invalid",
  ) {
    super(message);
    this.name = "TenantAdminError";
  }
}

/** What an operator sees of a credential: never its hash. */
export interface CredentialSummary {
  readonly id: string;
  readonly created: string;
  readonly expiresAt?: string;
  readonly status: "active" | "expiring" | "expired" | "revoked";
}

export interface IssuedToken {
  readonly tokenId: string;
  /** The Secret Token itself: shown once. */
  readonly token: string;
  /** When the tenant's earlier tokens stop working (the rotation's grace period). */
  readonly graceEndsAt: string;
}

export interface NewClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: string;
}

function tokenSummary(token: TokenRecord, now: Date): CredentialSummary {
  const status = !isLive(token.expiresAt, now) ? "expired" : token.expiresAt ? "expiring" : "active";
  return {
    id: token.tokenId,
    created: token.created,
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    status,
  };
}

function clientSummary(client: ClientRecord, now: Date): CredentialSummary {
  const status = client.revoked ? "revoked" : isLive(client.expiresAt, now) ? "active" : "expired";
  return { id: client.clientId, created: client.created, expiresAt: client.expiresAt, status };
}

/** What the tenant CLI (and the dev host) do: tenants, Secret Tokens, OAuth client secrets. */
export class TenantAdmin {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly clock: () => Date = () => new Date(),
    private readonly auditLog?: AuditLog,
  ) {}

  /**
   * Credentials live apart from the tenant's partition (Key Vault or the tenants table), so their
   * changes cannot share a transaction with the record: the record is written first, and a change
   * that then fails leaves a record of the attempt rather than a change without one.
   */
  private async audit(
    tenantId: string,
    operation: AuditOperation,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const changes = Object.entries(detail).map(([attribute, after]) => ({ attribute, after }));
    await this.auditLog?.append(
      tenantId,
      auditRecord(operation, "Tenant", tenantId, changes, this.clock().toISOString()),
    );
  }

  /** Creates the tenant and returns its first Secret Token (shown once, stored only as a hash). */
  async create(tenantId: string): Promise<string> {
    if (!isValidTenantId(tenantId)) {
      throw new TenantAdminError(
        `'${tenantId}' is not a valid tenant id: use 1-63 letters, digits, '-' or '_', starting with a letter or digit.`,
      );
    }
    if (!(await this.registry.create(tenantId, this.clock()))) {
      throw new TenantAdminError(
        `Tenant '${tenantId}' already exists; use 'rotate' for a new token.`,
        "conflict",
      );
    }
    return (await this.issue(tenantId)).token;
  }

  /** A new token; the previous ones keep working for the grace period so Entra can be updated. */
  async rotate(tenantId: string, graceDays = DEFAULT_ROTATION_GRACE_DAYS): Promise<string> {
    return (await this.issueToken(tenantId, graceDays)).token;
  }

  /** `rotate`, answering the new token's id and when the earlier tokens stop working too. */
  async issueToken(tenantId: string, graceDays = DEFAULT_ROTATION_GRACE_DAYS): Promise<IssuedToken> {
    await this.mustExist(tenantId);
    if (!Number.isFinite(graceDays) || graceDays < 0)
      throw new TenantAdminError("The grace period must be >= 0 days.");
    await this.audit(tenantId, "credentialRotated", { graceDays });
    const graceEndsAt = new Date(this.clock().getTime() + graceDays * DAY_MS);
    const record = await this.issue(tenantId, graceEndsAt);
    return { tokenId: record.tokenId, token: record.token, graceEndsAt: graceEndsAt.toISOString() };
  }

  async tokens(tenantId: string): Promise<CredentialSummary[]> {
    await this.mustExist(tenantId);
    const now = this.clock();
    return (await this.credentials.read(tenantId)).tokens.map((token) => tokenSummary(token, now));
  }

  /**
   * Ends tokens at once: the one named, or (without an id) every token but the newest, which ends
   * a rotation's grace period early. To replace a leaked current token: `rotate` with 0 grace days.
   */
  async revokeTokens(tenantId: string, tokenId?: string): Promise<string[]> {
    await this.mustExist(tenantId);
    const now = this.clock();
    const current = await this.credentials.read(tenantId);
    const ids = tokenId === undefined ? previousTokenIds(current, now) : new Set([tokenId]);
    if (tokenId !== undefined && !current.tokens.some((token) => token.tokenId === tokenId)) {
      throw new TenantAdminError(`Tenant '${tenantId}' has no token '${tokenId}'.`, "notFound");
    }
    if (ids.size > 0) {
      await this.audit(tenantId, "credentialRevoked", { tokens: [...ids] });
      await this.credentials.update(tenantId, (doc) => withTokensRevoked(doc, ids, now));
    }
    return [...ids];
  }

  /** A new OAuth client id and secret (shown once); several may be active, each expires. */
  async createClient(tenantId: string, years = DEFAULT_CLIENT_SECRET_YEARS): Promise<NewClient> {
    await this.mustExist(tenantId);
    if (!Number.isInteger(years) || years < 1 || years > 3) {
      throw new TenantAdminError("A client secret expires after 1, 2 or 3 years.");
    }
    await this.ensureSigningKey();
    const now = this.clock();
    const expires = new Date(now);
    expires.setUTCFullYear(expires.getUTCFullYear() + years);
    const clientSecret = generateClientSecret();
    const record: ClientRecord = {
      clientId: randomUUID(),
      hash: hashToken(clientSecret),
      created: now.toISOString(),
      expiresAt: expires.toISOString(),
    };
    await this.audit(tenantId, "clientCreated", { client: record.clientId, expiresAt: record.expiresAt });
    await this.credentials.update(tenantId, (doc) => withClient(doc, record, now));
    return { clientId: record.clientId, clientSecret, expiresAt: record.expiresAt };
  }

  /** Tokens and clients from one read of the credential document. */
  async credentialSummaries(
    tenantId: string,
  ): Promise<{ tokens: CredentialSummary[]; clients: CredentialSummary[] }> {
    await this.mustExist(tenantId);
    const now = this.clock();
    const doc = await this.credentials.read(tenantId);
    return {
      tokens: doc.tokens.map((token) => tokenSummary(token, now)),
      clients: doc.clients.map((client) => clientSummary(client, now)),
    };
  }

  async clients(tenantId: string): Promise<CredentialSummary[]> {
    await this.mustExist(tenantId);
    const now = this.clock();
    return (await this.credentials.read(tenantId)).clients.map((client) => clientSummary(client, now));
  }

  /** Ends a client secret and the access tokens issued to it. */
  async revokeClient(tenantId: string, clientId: string): Promise<void> {
    await this.mustExist(tenantId);
    const current = await this.credentials.read(tenantId);
    if (!current.clients.some((client) => client.clientId === clientId)) {
      throw new TenantAdminError(`Tenant '${tenantId}' has no client '${clientId}'.`, "notFound");
    }
    const now = this.clock();
    await this.audit(tenantId, "credentialRevoked", { client: clientId });
    await this.credentials.update(tenantId, (doc) => withClientRevoked(doc, clientId, now));
  }

  /** The deployment's access-token signing key; created once, by an operator (the app only reads). */
  async ensureSigningKey(): Promise<void> {
    if ((await this.credentials.readSigningKeys()).length > 0) return;
    const key = { kid: randomUUID(), secret: generateSigningSecret(), created: this.clock().toISOString() };
    await this.credentials.updateSigningKeys((keys) => (keys.length > 0 ? keys : [key]));
  }

  async disable(tenantId: string): Promise<void> {
    await this.mustExist(tenantId);
    await this.registry.setStatus(tenantId, "disabled");
  }

  async enable(tenantId: string): Promise<void> {
    await this.mustExist(tenantId);
    await this.registry.setStatus(tenantId, "active");
  }

  /** Logs the tenant's bodies (masked) until `until`; undefined turns it off. */
  async setDebugUntil(tenantId: string, until: Date | undefined): Promise<void> {
    await this.mustExist(tenantId);
    await this.registry.setDebugUntil(tenantId, until);
  }

  list(): Promise<Tenant[]> {
    return this.registry.list();
  }

  /** One tenant's registration (status, debug mode), or undefined. */
  get(tenantId: string): Promise<Tenant | undefined> {
    return this.registry.get(tenantId);
  }

  async exists(tenantId: string): Promise<boolean> {
    return (await this.registry.get(tenantId)) !== undefined;
  }

  private async issue(
    tenantId: string,
    retirePreviousAt?: Date,
  ): Promise<{ tokenId: string; token: string }> {
    const token = generateToken();
    const now = this.clock();
    const record: TokenRecord = { tokenId: randomUUID(), hash: hashToken(token), created: now.toISOString() };
    await this.credentials.update(tenantId, (doc) => withToken(doc, record, now, retirePreviousAt));
    return { tokenId: record.tokenId, token };
  }

  private async mustExist(tenantId: string): Promise<void> {
    if (!(await this.exists(tenantId)))
      throw new TenantAdminError(`Tenant '${tenantId}' does not exist.`, "notFound");
  }
}
