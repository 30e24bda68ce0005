/** A Secret Token as the credential store keeps it: never the token itself, only its hash. */
export interface TokenRecord {
  readonly tokenId: string;
  readonly hash: string;
  readonly created: string;
  /** When the token stops working (set by a rotation's grace period or a revoke); absent while current. */
  readonly expiresAt?: string;
}

/** An OAuth client credential (client id + secret) of a tenant; the secret is kept only as a hash. */
export interface ClientRecord {
  readonly clientId: string;
  readonly hash: string;
  readonly created: string;
  /** Client secrets always expire (1–3 years); a revoke moves this to the revoke time. */
  readonly expiresAt: string;
  readonly revoked?: boolean;
}

/** An application's read key (the directory read API and event feed); kept only as a hash. */
export interface AppKeyRecord {
  readonly keyId: string;
  readonly hash: string;
  readonly created: string;
  /** A label the operator chose (which application holds it). */
  readonly name?: string;
  /** When it was revoked; a revoked key never works again. */
  readonly revokedAt?: string;
}

/**
 * A webhook endpoint's signing secret. Signing needs the secret itself (HMAC), so it cannot be a
 * hash; it lives in this document, which is in Key Vault in Azure.
 */
export interface WebhookSecretRecord {
  readonly endpointId: string;
  readonly secret: string;
  readonly created: string;
  /** Set by a rotation: the old secret signs too until then (the overlap). */
  readonly expiresAt?: string;
}

/** Everything a tenant authenticates with: one document, one read. */
export interface TenantCredentials {
  readonly tokens: readonly TokenRecord[];
  readonly clients: readonly ClientRecord[];
  /** Absent in documents written before app keys existed. */
  readonly appKeys?: readonly AppKeyRecord[];
  /** Absent in documents written before webhooks existed. */
  readonly webhookSecrets?: readonly WebhookSecretRecord[];
}

/** An HMAC key that signs OAuth access tokens; one set per deployment, shared by all tenants. */
export interface SigningKey {
  readonly kid: string;
  /** 256 random bits, base64url. */
  readonly secret: string;
  readonly created: string;
}

export type Change<T> = (current: T) => T;

/**
 * Where tenants' credentials live: Key Vault in Azure, a table locally. Stores only read and write
 * whole documents; what a rotation or a revoke means is decided in `credentials.ts`, once for both.
 */
export interface CredentialStore {
  /** The tenant's credentials (empty when it has none); a fault throws, it never reads as "no tokens". */
  read(tenantId: string): Promise<TenantCredentials>;
  /** Applies `change` to the stored document and returns what was written. */
  update(tenantId: string, change: Change<TenantCredentials>): Promise<TenantCredentials>;
  readSigningKeys(): Promise<readonly SigningKey[]>;
  updateSigningKeys(change: Change<readonly SigningKey[]>): Promise<readonly SigningKey[]>;
}
