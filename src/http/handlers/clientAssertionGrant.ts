import type { AppServices } from "../../app/composition";
import { ApiError } from "../../events/apiError";
import type { IssuedAccessToken } from "../../tenants/accessTokens";
import { TRUST_SUBJECT_PREFIX } from "../../tenants/authenticator";
import { AssertionRefused } from "../../tenants/federation/assertionVerifier";
import { JwksInvalidError, JwksUnavailableError } from "../../tenants/federation/jwksCache";
import { isValidTenantId } from "../../tenants/tenantId";

/**
 * Client authentication with an RFC 7523 JWT assertion (workload identity federation): Entra
 * proves who it is with a token its own identity platform signed, and holds no secret of ours.
 */

/** The token request's form, parsed once by the token endpoint. */
type Form = ReadonlyMap<string, string>;

const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** A refusal in RFC 6749 §5.2 terms; `reason` is for the log line only. */
export class AssertionGrantError extends ApiError {
  override readonly name = "AssertionGrantError";
  constructor(
    override readonly status: 400 | 401 | 503,
    readonly error: "invalid_request" | "invalid_client" | "temporarily_unavailable",
    readonly description: string,
    readonly reason?: string,
  ) {
    super(status, error, description);
  }
}

function invalidClient(reason: string): AssertionGrantError {
  return new AssertionGrantError(401, "invalid_client", "Client authentication failed.", reason);
}

function invalidRequest(description: string): AssertionGrantError {
  return new AssertionGrantError(400, "invalid_request", description);
}

/** The request authenticates with an assertion (RFC 7521 §4.2) rather than a secret. */
export function hasClientAssertion(form: Form): boolean {
  return form.has("client_assertion") || form.has("client_assertion_type");
}

/** Verifies the assertion against the tenant's trusts and issues an access token that ends with it. */
export async function assertionAccessToken(
  authorization: string | null,
  tenantId: string,
  form: Form,
  current: AppServices,
): Promise<IssuedAccessToken> {
  if (authorization !== null || form.has("client_secret")) {
    throw invalidRequest("Use one client authentication method: an assertion or a secret, not both.");
  }
  if (form.get("client_assertion_type") !== JWT_BEARER_ASSERTION_TYPE) {
    throw invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`);
  }
  const assertion = form.get("client_assertion");
  if (!assertion) throw invalidRequest("client_assertion is missing.");
  if (!isValidTenantId(tenantId) || !(await current.authenticator.isActive(tenantId))) {
    throw invalidClient("unknown or disabled tenant");
  }
  const clientId = form.get("client_id");
  let verified;
  try {
    verified = await current.assertions.verify(tenantId, assertion, clientId);
  } catch (error) {
    if (error instanceof AssertionRefused) throw invalidClient(error.reason);
    if (error instanceof JwksInvalidError) throw invalidClient("issuer keys not usable");
    if (error instanceof JwksUnavailableError) {
      throw new AssertionGrantError(
        503,
        "temporarily_unavailable",
        "The issuer's signing keys cannot be fetched; retry later.",
        "issuer unreachable",
      );
    }
    throw error;
  }
  return current.accessTokens.issue(tenantId, TRUST_SUBJECT_PREFIX + verified.trustId, verified.expiresAt);
}
