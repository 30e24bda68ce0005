import { importJWK, type JWK, type KeyLike } from "jose";
import { z } from "zod";

/** The issuer's key set could not be fetched (network, timeout, 5xx): retry later (503). */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

/** The issuer answered, but not with a usable key set (not JSON, no RS256 keys, 4xx): a misconfiguration. */
export class JwksInvalidError extends Error {
  override readonly name = "JwksInvalidError";
}

export interface JwksCacheOptions {
  /** A fetched set is used this long before it is fetched again. */
  readonly maxAgeMs: number;
  /** After any fetch, the soonest another one for an unknown `kid` (bounds what bad assertions cost). */
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly clock?: () => number;
  readonly fetch?: typeof fetch;
  /** One JSON object per state change (fetch failed, serving the last good set, recovered). */
  readonly log?: (line: Record<string, unknown>) => void;
}

export const DEFAULT_JWKS_OPTIONS: JwksCacheOptions = {
  maxAgeMs: 60 * 60 * 1000,
  cooldownMs: 30 * 1000,
  timeoutMs: 5000,
  maxBytes: 256 * 1024,
};

interface KeySet {
  readonly keys: ReadonlyMap<string, KeyLike>;
  readonly loadedAt: number;
}

interface Entry {
  good?: KeySet;
  lastAttemptAt: number;
  failure?: JwksUnavailableError | JwksInvalidError;
  pending?: Promise<void>;
}

export interface JwksStatus {
  /** Key sets held. */
  readonly sets: number;
  /** Sets whose last refresh failed and that are served from the last good fetch. */
  readonly servingLastGood: number;
  /** Issuers whose keys could never be fetched. */
  readonly unavailable: number;
}

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) });

/** RS256 signing keys only: an RSA key may be used for RS256 unless it says otherwise. */
function isRs256SigningKey(jwk: Record<string, unknown>): boolean {
  return (
    jwk.kty === "RSA" &&
    typeof jwk.kid === "string" &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (jwk.alg === undefined || jwk.alg === "RS256")
  );
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new JwksInvalidError(`the key set is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Issuers' signing keys (JWKS), cached by URL and `kid`: a set is fetched when first needed, again
 * after `maxAgeMs`, and early when an assertion names a `kid` the set lacks (key rollover), but
 * never more often than once per `cooldownMs`. When a fetch fails the last good set stays in use
 * (said once in the log and in `status()`), so an issuer outage does not fail assertions signed
 * with keys we already hold.
 */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: JwksCacheOptions = DEFAULT_JWKS_OPTIONS) {
    this.now = options.clock ?? Date.now;
    this.fetcher = options.fetch ?? fetch;
  }

  /**
   * The key `kid` of the set at `jwksUri`; undefined when the (freshly fetched) set lacks it.
   * Throws JwksUnavailableError / JwksInvalidError when the key is not held and the set cannot be
   * fetched.
   */
  async key(jwksUri: string, kid: string): Promise<KeyLike | undefined> {
    let entry = this.entries.get(jwksUri);
    if (!entry) this.entries.set(jwksUri, (entry = { lastAttemptAt: Number.NEGATIVE_INFINITY }));
    const held = entry.good?.keys.get(kid);
    const fresh = entry.good !== undefined && this.now() - entry.good.loadedAt < this.options.maxAgeMs;
    if (held && fresh) return held;
    if (this.now() - entry.lastAttemptAt >= this.options.cooldownMs || entry.pending) {
      await this.refresh(jwksUri, entry);
    }
    const found = entry.good?.keys.get(kid);
    if (found) return found;
    if (entry.failure) throw entry.failure;
    return undefined;
  }

  status(): JwksStatus {
    let servingLastGood = 0;
    let unavailable = 0;
    for (const entry of this.entries.values()) {
      if (entry.failure && entry.good) servingLastGood += 1;
      if (entry.failure && !entry.good) unavailable += 1;
    }
    return { sets: this.entries.size, servingLastGood, unavailable };
  }

  private refresh(jwksUri: string, entry: Entry): Promise<void> {
    entry.pending ??= this.load(jwksUri, entry).finally(() => {
      entry.pending = undefined;
    });
    return entry.pending;
  }

  private async load(jwksUri: string, entry: Entry): Promise<void> {
    entry.lastAttemptAt = this.now();
    try {
      const keys = await this.fetchKeys(jwksUri);
      entry.good = { keys, loadedAt: this.now() };
      if (entry.failure) this.options.log?.({ event: "wif.jwks", jwksUri, outcome: "recovered" });
      entry.failure = undefined;
    } catch (error) {
      const failure =
        error instanceof JwksInvalidError || error instanceof JwksUnavailableError
          ? error
          : new JwksUnavailableError("the key set could not be fetched");
      if (entry.failure?.message !== failure.message) {
        this.options.log?.({
          event: "wif.jwks",
          jwksUri,
          outcome: failure instanceof JwksInvalidError ? "invalid" : "unreachable",
          detail: failure.message,
          servingLastGood: entry.good !== undefined,
        });
      }
      entry.failure = failure;
    }
  }

  private async fetchKeys(jwksUri: string): Promise<ReadonlyMap<string, KeyLike>> {
    let response: Response;
    try {
      response = await this.fetcher(jwksUri, {
        headers: { Accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch {
      throw new JwksUnavailableError("the key set could not be fetched (network or timeout)");
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel();
      throw new JwksUnavailableError(`the key set answered ${response.status}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new JwksInvalidError(`the key set answered ${response.status}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(await readCapped(response, this.options.maxBytes));
    } catch (error) {
      if (error instanceof JwksInvalidError) throw error;
      throw new JwksInvalidError("the key set is not JSON");
    }
    const parsed = jwksSchema.safeParse(body);
    if (!parsed.success) throw new JwksInvalidError("the key set has no 'keys' array");
    const keys = new Map<string, KeyLike>();
    for (const jwk of parsed.data.keys.filter(isRs256SigningKey)) {
      try {
        const key = await importJWK({ ...(jwk as unknown as JWK), alg: "RS256" }, "RS256");
        if (!(key instanceof Uint8Array)) keys.set(jwk.kid as string, key);
      } catch {
        // A malformed key is skipped; the others may still verify.
      }
    }
    if (keys.size === 0) throw new JwksInvalidError("the key set holds no RS256 signing key");
    return keys;
  }
}
