/** What Entra's outbound client does on every call: the bearer token, SCIM JSON bodies, a 60 s budget. */

/** How Entra's quarantine rules count a request (docs/entra-behaviour.md#quarantine-rules). */
export type RequestKind = "probe" | "provisioning" | "reference" | "negative" | "cleanup";

export interface Exchange {
  readonly seq: number;
  readonly kind: RequestKind;
  readonly method: string;
  /** Path and query relative to the Tenant URL, e.g. `/Users?filter=userName+eq+%22…%22`. */
  readonly path: string;
  readonly requestBody?: string;
  /** 0 when no response arrived (network error or timeout). */
  readonly status: number;
  readonly contentType?: string;
  readonly location?: string;
  readonly responseText: string;
  /** The parsed body; undefined when there was none or it was not JSON (see parseError). */
  readonly json?: unknown;
  readonly parseError?: string;
  readonly error?: string;
  readonly latencyMs: number;
}

export interface RequestOptions {
  readonly kind: RequestKind;
  readonly body?: unknown;
  /** Overrides the Secret Token (the bad-token check). */
  readonly token?: string;
  /** An OAuth token request: `path` is an absolute URL, the body is a form, no bearer token. */
  readonly form?: Readonly<Record<string, string>>;
}

/** Form fields and response fields that are secrets: kept out of reports and logs. */
const SECRET_FIELDS = /^(client_secret|client_assertion|access_token|refresh_token)$/;

function maskSecrets(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, SECRET_FIELDS.test(key) ? "***" : value]),
  );
}

/**
 * The replay's own budget per request. Entra gives up after 60 seconds
 * (docs/entra-behaviour.md#the-60-second-budget); the replay waits less, so
 * that a silent endpoint is reported in seconds rather than after a minute per request (`--timeout`
 * changes it).
 */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * No response arrived (refused, reset, name not found, or the time budget ran out). The replay
 * stops at the first one: every later request would wait the same way.
 */
export class EndpointUnreachable extends Error {
  constructor(readonly exchange: Exchange) {
    super(`${exchange.method} ${exchange.path}: ${exchange.error ?? "no response"}`);
  }
}

/**
 * How the replay answers a 429, as Entra does (docs/entra-behaviour.md#request-rate): wait what
 * Retry-After names (seconds or an HTTP date; `defaultWaitMs` without one), never longer than
 * `maxWaitMs`, and send the same request again, at most `maxRetries` times. A request still refused
 * after that is reported as its 429.
 */
export interface RetryPolicy {
  readonly maxWaitMs: number;
  readonly maxRetries: number;
  readonly defaultWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxWaitMs: 30_000, maxRetries: 5, defaultWaitMs: 1_000 };

/** A 429 the replay waited out and retried: counted and reported, not a failed check. */
export interface ThrottledRequest {
  readonly method: string;
  readonly path: string;
  readonly waitedMs: number;
}

/** The wait a Retry-After header asks for, within the policy's bound. */
export function retryAfterMs(header: string | null, policy: RetryPolicy, now = Date.now()): number {
  const value = header?.trim() ?? "";
  const asked = /^\d+$/.test(value)
    ? Number(value) * 1000
    : value === "" || Number.isNaN(Date.parse(value))
      ? policy.defaultWaitMs
      : Date.parse(value) - now;
  return Math.min(policy.maxWaitMs, Math.max(0, asked));
}

export interface ClientOptions {
  readonly url: string;
  readonly token: string;
  /** Requests per second, at most; unlimited when undefined. */
  readonly rate?: number;
  readonly timeoutMs?: number;
  /** How 429 answers are waited out and retried (DEFAULT_RETRY when undefined). */
  readonly retry?: RetryPolicy;
  /** Called after every exchange (the progress line). */
  readonly onExchange?: (exchange: Exchange) => void;
}

/**
 * Entra appends `/Users` to the Tenant URL exactly as pasted, so a trailing slash gives `//Users`.
 * A query string (`?aadOptscim062020`) is a flag for Entra, not part of the base.
 */
export function resourceBase(tenantUrl: string): string {
  const url = new URL(tenantUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`not an HTTP(S) URL: ${tenantUrl}`);
  return tenantUrl.split(/[?#]/)[0] ?? tenantUrl;
}

export class ScimClient {
  readonly exchanges: Exchange[] = [];
  readonly throttled: ThrottledRequest[] = [];
  private readonly base: string;
  private readonly issuedTokens = new Map<number, string>();
  /** Set at the first request that got no response: later requests fail at once, unsent. */
  private unreachable: EndpointUnreachable | undefined;
  private nextSlot = 0;

  constructor(private readonly options: ClientOptions) {
    this.base = resourceBase(options.url);
  }

  get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The absolute URL of a path, for messages. */
  url(path: string): string {
    return this.base + path;
  }

  /**
   * `path` starts with `/` and is appended to the Tenant URL (`/Users?filter=…`). A 429 is waited out
   * and sent again (see RetryPolicy); only the final answer becomes an exchange.
   */
  async request(method: string, path: string, options: RequestOptions): Promise<Exchange> {
    if (this.unreachable !== undefined) throw this.unreachable;
    const retry = this.options.retry ?? DEFAULT_RETRY;
    for (let attempt = 0; ; attempt += 1) {
      await this.pace();
      const { exchange, retryAfter } = await this.send(method, path, options);
      if (exchange.status === 429 && attempt < retry.maxRetries) {
        const waitedMs = retryAfterMs(retryAfter, retry);
        this.throttled.push({ method, path, waitedMs });
        await new Promise((resolve) => setTimeout(resolve, waitedMs));
        continue;
      }
      this.exchanges.push(exchange);
      this.options.onExchange?.(exchange);
      if (exchange.status === 0) {
        this.unreachable ??= new EndpointUnreachable(exchange);
        throw this.unreachable;
      }
      return exchange;
    }
  }

  /** One attempt: the exchange it makes (not yet recorded) and the answer's Retry-After. */
  private async send(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ exchange: Exchange; retryAfter: string | null }> {
    const headers: Record<string, string> = {};
    let wireBody: string | undefined;
    let requestBody: string | undefined;
    if (options.form === undefined) {
      headers.Authorization = `Bearer ${options.token ?? this.options.token}`;
      wireBody = requestBody = options.body === undefined ? undefined : JSON.stringify(options.body);
      if (requestBody !== undefined) headers["Content-Type"] = "application/scim+json";
    } else {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      wireBody = new URLSearchParams({ ...options.form }).toString();
      requestBody = new URLSearchParams(maskSecrets(options.form) as Record<string, string>).toString();
    }
    const started = performance.now();
    const seq = this.exchanges.length + 1;
    /** What every exchange of this attempt says about the request. */
    const sent = {
      seq,
      kind: options.kind,
      method,
      path,
      ...(requestBody === undefined ? {} : { requestBody }),
    };
    let exchange: Exchange;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(options.form === undefined ? this.base + path : path, {
        method,
        headers,
        ...(wireBody === undefined ? {} : { body: wireBody }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const responseText = await response.text();
      retryAfter = response.headers.get("retry-after");
      const latencyMs = performance.now() - started;
      let json: unknown;
      let parseError: string | undefined;
      if (responseText.trim() !== "") {
        try {
          json = JSON.parse(responseText) as unknown;
        } catch (error) {
          parseError = error instanceof Error ? error.message : String(error);
        }
      }
      let shownText = responseText;
      if (options.form !== undefined && isRecord(json)) {
        const issued = json.access_token;
        if (typeof issued === "string") this.issuedTokens.set(seq, issued);
        json = maskSecrets(json);
        shownText = JSON.stringify(json);
      }
      exchange = {
        ...sent,
        status: response.status,
        ...optional("contentType", response.headers.get("content-type")),
        ...optional("location", response.headers.get("location")),
        responseText: shownText,
        ...(json === undefined ? {} : { json }),
        ...(parseError === undefined ? {} : { parseError }),
        latencyMs,
      };
    } catch (error) {
      const cause = rootCause(error);
      exchange = {
        ...sent,
        status: 0,
        responseText: "",
        error: cause.name === "TimeoutError" ? `no response within ${this.timeoutMs} ms` : cause.message,
        latencyMs: performance.now() - started,
      };
    }
    return { exchange, retryAfter };
  }

  /** The access token a token request returned (kept out of the exchange, which is reported). */
  issuedToken(exchange: Exchange): string | undefined {
    return this.issuedTokens.get(exchange.seq);
  }

  get(path: string, kind: RequestKind = "provisioning"): Promise<Exchange> {
    return this.request("GET", path, { kind });
  }

  post(path: string, body: unknown, kind: RequestKind = "provisioning"): Promise<Exchange> {
    return this.request("POST", path, { kind, body });
  }

  patch(path: string, body: unknown, kind: RequestKind = "provisioning"): Promise<Exchange> {
    return this.request("PATCH", path, { kind, body });
  }

  delete(path: string, kind: RequestKind = "provisioning"): Promise<Exchange> {
    return this.request("DELETE", path, { kind });
  }

  /** Spaces request starts so that at most `rate` begin per second. */
  private async pace(): Promise<void> {
    const rate = this.options.rate;
    if (rate === undefined || rate <= 0) return;
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / rate;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/**
 * fetch's "fetch failed" wraps the reason (ECONNREFUSED, a timeout) in `cause`. Read by shape, not
 * `instanceof`: errors from another realm (a test runner's sandbox) are not `Error` instances here.
 */
function rootCause(error: unknown): { name: string; message: string } {
  const outer = isRecord(error) ? error : {};
  const inner = isRecord(outer.cause) ? outer.cause : outer;
  const name = [inner.name, outer.name].find((n): n is string => typeof n === "string") ?? "Error";
  const message = typeof inner.message === "string" ? inner.message : String(error);
  return { name, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}
