/** A token as the credential store keeps it: never the token itself, only its hash. */
export interface TokenRecord {
  readonly tokenId: string;
  readonly hash: string;
  readonly created: string;
  /** When the token stops working (set when a rotation retires it); absent while current. */
  readonly expiresAt?: string;
}

/** Where tenants' Secret Tokens live: a local table now, Key Vault in Azure. */
export interface CredentialStore {
  /** Stores a new token; tokens valid before stay valid until `retirePreviousAt` (never, if absent). */
  addToken(tenantId: string, hash: string, now: Date, retirePreviousAt?: Date): Promise<TokenRecord>;
  /** Tokens of the tenant that are still valid at `now`. */
  validTokens(tenantId: string, now: Date): Promise<TokenRecord[]>;
}
