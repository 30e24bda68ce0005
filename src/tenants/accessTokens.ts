import { randomUUID } from "node:crypto";
import { jwtKeyId, signJwt, verifyJwtSignature } from "./jwt";
import type { SigningKeys } from "./signingKeys";

/** The `iss` of every access token this service issues (and the only one it accepts). */
const ACCESS_TOKEN_ISSUER = "urn:entra-scim-connector";

/** The audience names the tenant, so a token issued for tenant A is refused by tenant B. */
function tenantAudience(tenantId: string): string {
  return `urn:entra-scim-connector:tenant:${tenantId}`;
}

export interface AccessTokenOptions {
  readonly lifetimeSeconds: number;
  readonly clock?: () => number;
}

export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export interface InspectedAccessToken {
  /** The token's `sub`: a client id, or `trust:<id>` for a federated trust. */
  readonly clientId: string;
  readonly current: boolean;
}

/** A minute of clock skew between instances, for `nbf`. */
const CLOCK_SKEW_SECONDS = 60;

/** OAuth 2.0 access tokens: HS256 JWTs, scoped to one tenant and one client, short-lived. */
export class AccessTokens {
  private readonly now: () => number;

  constructor(
    private readonly keys: SigningKeys,
    private readonly options: AccessTokenOptions,
  ) {
    this.now = options.clock ?? Date.now;
  }

  /**
   * A token for `subject` (a client id, or `trust:<id>` for a federated trust). `notAfter` (epoch
   * seconds) caps its expiry, so a token never outlives the credential it was traded for.
   */
  async issue(tenantId: string, subject: string, notAfter?: number): Promise<IssuedAccessToken> {
    const key = await this.keys.current();
    const issuedAt = Math.floor(this.now() / 1000);
    const expires = Math.min(issuedAt + this.options.lifetimeSeconds, notAfter ?? Number.POSITIVE_INFINITY);
    const claims = {
      iss: ACCESS_TOKEN_ISSUER,
      aud: tenantAudience(tenantId),
      sub: subject,
      iat: issuedAt,
      nbf: issuedAt,
      exp: expires,
      jti: randomUUID(),
    };
    return { accessToken: await signJwt(claims, key.kid, key.secret), expiresIn: expires - issuedAt };
  }

  /** The client the token was issued to, if the token is genuine, current and for this tenant. */
  async verify(tenantId: string, token: string): Promise<string | undefined> {
    const inspected = await this.inspect(tenantId, token);
    return inspected?.current ? inspected.clientId : undefined;
  }

  /**
   * A token this service signed for this tenant: its client, and whether it is current (within `nbf`
   * and `exp`). Undefined for anything else: forged, another tenant's, or not one of ours.
   */
  async inspect(tenantId: string, token: string): Promise<InspectedAccessToken | undefined> {
    const kid = jwtKeyId(token);
    if (kid === undefined) return undefined;
    const key = await this.keys.find(kid);
    if (!key) return undefined;
    const claims = await verifyJwtSignature(token, key.secret);
    if (!claims) return undefined;
    const { iss, aud, sub, exp, nbf } = claims;
    if (iss !== ACCESS_TOKEN_ISSUER || aud !== tenantAudience(tenantId)) return undefined;
    if (typeof sub !== "string" || sub === "") return undefined;
    const now = this.now() / 1000;
    // The skew allowance is for `nbf` only: a token ends exactly at its `exp`.
    const current =
      typeof exp === "number" && exp > now && typeof nbf === "number" && nbf <= now + CLOCK_SKEW_SECONDS;
    return { clientId: sub, current };
  }
}
