import {
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from "jose";
import type { JwksCache } from "./jwksCache";
import type { TrustSource } from "./trustSource";
import type { FederatedTrust } from "./trusts";

/** The assertion does not authenticate the client: 401 `invalid_client` (RFC 7523 §3.2). */
export class AssertionRefused extends Error {
  override readonly name = "AssertionRefused";
  /** Why, for the log line (never the assertion): one of a fixed set of short phrases. */
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Remembers used assertion ids until they expire; shared by every instance. */
export interface ReplayGuard {
  /** True the first time (tenant, trust, jti) is claimed while it lives, false after. */
  claim(tenantId: string, trustId: string, jti: string, expiresAt: Date): Promise<boolean>;
}

export interface VerifiedAssertion {
  readonly trustId: string;
  /** The assertion's `exp` (epoch seconds): nothing issued for it may outlive it. */
  readonly expiresAt: number;
}

export interface AssertionVerifierOptions {
  /** Clock skew allowed on `exp` and `nbf`. */
  readonly skewSeconds: number;
  /** Assertions that live longer than this are refused (their jti would have to be kept as long). */
  readonly maxLifetimeSeconds: number;
  readonly clock?: () => number;
}

export const DEFAULT_ASSERTION_OPTIONS: AssertionVerifierOptions = {
  skewSeconds: 60,
  maxLifetimeSeconds: 24 * 60 * 60,
};

/** Far above any real assertion (Entra's are about 2 KB): a bigger one is not decoded at all. */
const MAX_ASSERTION_LENGTH = 16 * 1024;
const MAX_JTI_LENGTH = 256;

function decoded(assertion: string): { kid: string; claims: JWTPayload } {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw new AssertionRefused("assertion too long");
  let header: ProtectedHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw new AssertionRefused("malformed assertion");
  }
  // Checked before any key is looked up: `none` and HMAC with a public key never get that far.
  if (header.alg !== "RS256") throw new AssertionRefused("algorithm not RS256");
  if (typeof header.kid !== "string" || header.kid === "") throw new AssertionRefused("no kid");
  return { kid: header.kid, claims };
}

/**
 * Verifies an RFC 7523 client assertion against a tenant's trusts: the trust `client_id` names (its
 * id), or else the one of the assertion's `iss` and `sub`; the signature (RS256, the issuer's key named by `kid`); `iss`,
 * `sub`, `aud` (one of the trust's audiences, exactly), `exp` and `nbf` with a small skew; and a
 * `jti` never seen while it lives.
 */
export class AssertionVerifier {
  private readonly now: () => number;

  constructor(
    private readonly trusts: Pick<TrustSource, "find">,
    private readonly jwks: JwksCache,
    private readonly replays: ReplayGuard,
    private readonly options: AssertionVerifierOptions = DEFAULT_ASSERTION_OPTIONS,
  ) {
    this.now = options.clock ?? Date.now;
  }

  async verify(tenantId: string, assertion: string, clientId?: string): Promise<VerifiedAssertion> {
    const { kid, claims } = decoded(assertion);
    const trust = await this.trustFor(tenantId, claims, clientId);
    const key = await this.jwks.key(trust.jwksUri, kid);
    if (!key) throw new AssertionRefused("unknown kid");
    const now = this.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, key, {
        algorithms: ["RS256"],
        issuer: trust.issuer,
        subject: trust.subject,
        audience: [...trust.audiences],
        requiredClaims: ["exp", "jti"],
        clockTolerance: this.options.skewSeconds,
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw new AssertionRefused(refusalOf(error));
    }
    const exp = payload.exp ?? 0;
    // The skew is for `nbf`: an assertion past its `exp` buys nothing, since our token may not outlive it.
    if (exp <= now / 1000) throw new AssertionRefused("assertion expired");
    if (exp - now / 1000 > this.options.maxLifetimeSeconds) throw new AssertionRefused("lifetime too long");
    const jti = payload.jti ?? "";
    if (jti === "" || jti.length > MAX_JTI_LENGTH) throw new AssertionRefused("bad jti");
    const keepUntil = new Date((exp + this.options.skewSeconds) * 1000);
    if (!(await this.replays.claim(tenantId, trust.trustId, jti, keepUntil))) {
      throw new AssertionRefused("replayed jti");
    }
    return { trustId: trust.trustId, expiresAt: exp };
  }

  private async trustFor(
    tenantId: string,
    claims: JWTPayload,
    clientId: string | undefined,
  ): Promise<FederatedTrust> {
    // RFC 7523 makes the client id the assertion's subject; our trust id names the trust as well.
    const trust = await this.trusts.find(tenantId, (t) =>
      clientId === undefined || clientId === t.subject
        ? t.issuer === claims.iss && t.subject === claims.sub
        : t.trustId === clientId,
    );
    if (!trust) throw new AssertionRefused("no matching trust");
    return trust;
  }
}

/** jose's error codes, in words for the log line. */
function refusalOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const claim = (error as { claim?: unknown } | undefined)?.claim;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "assertion expired";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "bad signature";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return typeof claim === "string" ? `claim ${claim} not accepted` : "claims not accepted";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "algorithm not RS256";
    default:
      return "assertion not valid";
  }
}
