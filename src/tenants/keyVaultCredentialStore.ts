import { isRestError } from "@azure/core-rest-pipeline";
import type { SecretClient } from "@azure/keyvault-secrets";
import { unavailable } from "../service/storageUnavailable";
import type { Change, CredentialStore, SigningKey, TenantCredentials } from "./credentialStore";
import {
  EMPTY_CREDENTIALS,
  parseCredentials,
  parseSigningKeys,
  serializeCredentials,
  serializeSigningKeys,
} from "./credentials";
import { SIGNING_KEYS_SECRET, tenantSecretName } from "./secretNames";

/** The part of SecretClient this store uses. */
export type SecretAccess = Pick<SecretClient, "getSecret" | "setSecret">;

export interface KeyVaultStoreOptions {
  /** A vault call that takes longer (retries included) fails, and the cache serves what it knows. */
  readonly timeoutMs: number;
}

const JSON_CONTENT_TYPE = "application/json";

/**
 * Tenants' credentials in Key Vault: one secret per tenant whose value is the JSON document of
 * `credentials.ts` (token and client-secret hashes with created/expiry, never a token). Every change
 * writes a new version, so the vault's version history is the audit trail. The operator's CLI and
 * the app (webhook endpoints and secrets through the application API) write. Key Vault has no
 * conditional write, so this store runs one tenant's changes one after another in this process:
 * two API requests to one instance never lose either change (see docs/security.md for the rest).
 */
export class KeyVaultCredentialStore implements CredentialStore {
  constructor(
    private readonly secrets: SecretAccess,
    private readonly options: KeyVaultStoreOptions,
  ) {}

  /** Per secret name, the change being written; the next one starts after it settles. */
  private readonly writing = new Map<string, Promise<void>>();

  /** Runs `change` after the previous change of the same secret in this process has been written. */
  private serialized<T>(name: string, change: () => Promise<T>): Promise<T> {
    const previous = this.writing.get(name) ?? Promise.resolve();
    const next = previous.then(change);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(name, settled);
    void settled.then(() => {
      if (this.writing.get(name) === settled) this.writing.delete(name);
    });
    return next;
  }

  async read(tenantId: string): Promise<TenantCredentials> {
    const text = await this.readSecret(tenantSecretName(tenantId));
    return text === undefined ? EMPTY_CREDENTIALS : this.parse(text, parseCredentials);
  }

  update(tenantId: string, change: Change<TenantCredentials>): Promise<TenantCredentials> {
    return this.serialized(tenantSecretName(tenantId), async () => {
      const next = change(await this.read(tenantId));
      await this.writeSecret(tenantSecretName(tenantId), serializeCredentials(next));
      return next;
    });
  }

  async readSigningKeys(): Promise<readonly SigningKey[]> {
    const text = await this.readSecret(SIGNING_KEYS_SECRET);
    return text === undefined ? [] : this.parse(text, parseSigningKeys);
  }

  updateSigningKeys(change: Change<readonly SigningKey[]>): Promise<readonly SigningKey[]> {
    return this.serialized(SIGNING_KEYS_SECRET, async () => {
      const next = change(await this.readSigningKeys());
      await this.writeSecret(SIGNING_KEYS_SECRET, serializeSigningKeys(next));
      return next;
    });
  }

  private parse<T>(text: string, parse: (text: string) => T): T {
    try {
      return parse(text);
    } catch (error) {
      // A damaged secret is a fault to fix, never "no credentials" (and never echoed: it holds hashes).
      return unavailable(error);
    }
  }

  private async readSecret(name: string): Promise<string | undefined> {
    try {
      const secret = await this.secrets.getSecret(name, {
        abortSignal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return secret.value;
    } catch (error) {
      if (isRestError(error) && error.statusCode === 404) return undefined;
      return unavailable(error);
    }
  }

  private async writeSecret(name: string, value: string): Promise<void> {
    try {
      await this.secrets.setSecret(name, value, {
        contentType: JSON_CONTENT_TYPE,
        abortSignal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      unavailable(error);
    }
  }
}
