import type { CredentialStore, SigningKey } from "./credentialStore";
import { RefreshingCache } from "../lib/refreshingCache";

class NoSigningKeyError extends Error {
  constructor() {
    super("No OAuth signing key: create a client secret with the tenant CLI first.");
    this.name = "NoSigningKeyError";
  }
}

export interface SigningKeysOptions {
  readonly cacheTtlMs: number;
  readonly missRefreshMs: number;
  readonly clock?: () => number;
}

const KEY = "signing-keys";

/** The deployment's access-token signing keys, read from the credential store through a cache. */
export class SigningKeys {
  private readonly cache: RefreshingCache<readonly SigningKey[]>;

  constructor(
    credentials: CredentialStore,
    private readonly options: SigningKeysOptions,
  ) {
    this.cache = new RefreshingCache(() => credentials.readSigningKeys(), {
      failureBackoffMs: options.missRefreshMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** The newest key: new tokens are signed with it. */
  async current(): Promise<SigningKey> {
    let keys = await this.cache.get(KEY, this.options.cacheTtlMs);
    if (keys.length === 0) keys = await this.cache.get(KEY, this.options.missRefreshMs);
    const newest = keys.at(-1);
    if (!newest) throw new NoSigningKeyError();
    return newest;
  }

  /** The key a token names; an unknown id re-reads the store at most once per miss interval. */
  async find(kid: string): Promise<SigningKey | undefined> {
    const cached = (await this.cache.get(KEY, this.options.cacheTtlMs)).find((key) => key.kid === kid);
    if (cached) return cached;
    return (await this.cache.get(KEY, this.options.missRefreshMs)).find((key) => key.kid === kid);
  }

  forget(): void {
    this.cache.forget(KEY);
  }
}
