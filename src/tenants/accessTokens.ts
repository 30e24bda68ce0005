import { randomUUID } from "node:crypto";
import { jwtKeyId, signJwt, verifyJwtSignature } from "./jwt";
import type { SigningKeys } from "./signingKeys";

/** The `iss` of every access token this service issues (and the only one it accepts). */
export const ACCESS_TOKEN_ISSUER = "urn:entra-scim-connector";

/** The audience names the tenant, so a token issued for tenant A is refused by tenant B. */
export function tenantAudience(tenantId: string): string {
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
  readonly clientId: string;
  readonly current: boolean;
}

/** OAuth 2.0 access tokens: HS256 JWTs, scoped to one tenant and one client, short-lived. */
export class AccessTokens {
  private readonly now: () => number;

  constructor(
    private readonly keys: SigningKeys,
    private readonly options: AccessTokenOptions,
  ) {
    this.now = options.clock ?? Date.now;
  }

  async issue(tenantId: string, clientId: string): Promise<IssuedAccessToken> {
    const key = await this.keys.current();
    const issuedAt = Math.floor(this.now() / 1000);
    const claims = {
      iss: ACCESS_TOKEN_ISSUER,
      aud: tenantAudience(tenantId),
      sub: clientId,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + this.options.lifetimeSeconds,
      jti: randomUUID(),
    };
    return { accessToken: signJwt(claims, key.kid, key.secret), expiresIn: this.options.lifetimeSeconds };
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
    const claims = verifyJwtSignature(token, key.secret);
    if (!claims) return undefined;
    const { iss, aud, sub, exp, nbf } = claims;
    if (iss !== ACCESS_TOKEN_ISSUER || aud !== tenantAudience(tenantId)) return undefined;
    if (typeof sub !== "string" || sub === "") return undefined;
    const now = this.now() / 1000;
    // A minute of clock skew between instances.
    const current = typeof exp === "number" && exp > now && typeof nbf === "number" && nbf <= now + 60;
    return { clientId: sub, current };
  }
}
