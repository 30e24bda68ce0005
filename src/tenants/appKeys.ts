import { randomUUID } from "node:crypto";
import { auditRecord } from "../service/audit";
import type { AuditLog } from "../service/auditLog";
import type { AppKeyRecord, CredentialStore, TenantCredentials } from "./credentialStore";
import { TenantAdminError } from "./tenantAdmin";
import type { TenantRegistry } from "./tenantRegistry";
import { generateAppKey, hashToken } from "./tokens";

export interface NewAppKey {
  readonly keyId: string;
  /** Shown once; only its hash is kept. */
  readonly appKey: string;
}

export interface AppKeySummary {
  readonly keyId: string;
  readonly name?: string;
  readonly created: string;
  readonly status: "active" | "revoked";
  readonly revokedAt?: string;
}

function withAppKeys(credentials: TenantCredentials, appKeys: readonly AppKeyRecord[]): TenantCredentials {
  return { ...credentials, appKeys };
}

/**
 * Application keys: what an application reads one tenant's directory and event feed with. Stored
 * in the tenant's credential document (Key Vault in Azure) as SHA-256 hashes, like Secret Tokens.
 */
export class AppKeyAdmin {
  constructor(
    private readonly registry: TenantRegistry,
    private readonly credentials: CredentialStore,
    private readonly auditLog: AuditLog,
    private readonly clock: () => Date = () => new Date(),
    /** Told after a change, so this process's credential cache does not serve the old keys. */
    private readonly changed: (tenantId: string) => void = () => undefined,
  ) {}

  async create(tenantId: string, name?: string): Promise<NewAppKey> {
    await this.mustExist(tenantId);
    const appKey = generateAppKey();
    const record: AppKeyRecord = {
      keyId: randomUUID(),
      hash: hashToken(appKey),
      created: this.clock().toISOString(),
      ...(name ? { name } : {}),
    };
    await this.audit(tenantId, "clientCreated", { appKey: record.keyId });
    await this.credentials.update(tenantId, (doc) => withAppKeys(doc, [...(doc.appKeys ?? []), record]));
    this.changed(tenantId);
    return { keyId: record.keyId, appKey };
  }

  async list(tenantId: string): Promise<AppKeySummary[]> {
    await this.mustExist(tenantId);
    return ((await this.credentials.read(tenantId)).appKeys ?? []).map((key) => ({
      keyId: key.keyId,
      ...(key.name ? { name: key.name } : {}),
      created: key.created,
      status: key.revokedAt ? "revoked" : "active",
      ...(key.revokedAt ? { revokedAt: key.revokedAt } : {}),
    }));
  }

  /** Ends a key; running instances stop accepting it within the auth cache TTL. */
  async revoke(tenantId: string, keyId: string): Promise<void> {
    await this.mustExist(tenantId);
    const current = (await this.credentials.read(tenantId)).appKeys ?? [];
    if (!current.some((key) => key.keyId === keyId)) {
      throw new TenantAdminError(`Tenant '${tenantId}' has no app key '${keyId}'.`, "notFound");
    }
    const revokedAt = this.clock().toISOString();
    await this.audit(tenantId, "credentialRevoked", { appKey: keyId });
    await this.credentials.update(tenantId, (doc) =>
      withAppKeys(
        doc,
        (doc.appKeys ?? []).map((key) =>
          key.keyId === keyId && !key.revokedAt ? { ...key, revokedAt } : key,
        ),
      ),
    );
    this.changed(tenantId);
  }

  private async audit(tenantId: string, operation: "clientCreated" | "credentialRevoked", detail: object) {
    const changes = Object.entries(detail).map(([attribute, after]: [string, unknown]) => ({
      attribute,
      after,
    }));
    await this.auditLog.append(
      tenantId,
      auditRecord(operation, "Tenant", tenantId, changes, this.clock().toISOString()),
    );
  }

  private async mustExist(tenantId: string): Promise<void> {
    if ((await this.registry.get(tenantId)) === undefined) {
      throw new TenantAdminError(`Tenant '${tenantId}' does not exist.`);
    }
  }
}
