import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AppServices } from "../../app/composition";
import { ApiError } from "../../events/apiError";
import { STORAGE_RETRY_AFTER_SECONDS, StorageUnavailableError } from "../../service/storageUnavailable";
import { isValidTenantId } from "../../tenants/tenantId";
import { BodyTooLargeError, readBoundedText } from "../boundedBody";
import type { Failure, FormattedError, PipelineWork, Surface } from "../pipeline";
import { AssertionGrantError, assertionAccessToken, hasClientAssertion } from "./clientAssertionGrant";

/**
 * The per-tenant OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials). Entra sends the
 * client id and secret in an `Authorization: Basic` header (client_secret_basic); Microsoft's
 * validator sends them in the form body (client_secret_post): both are accepted, one at a time.
 */

type OAuthError =
  | "invalid_request"
  | "invalid_client"
  | "unsupported_grant_type"
  | "temporarily_unavailable"
  | "server_error";

class OAuthFailure extends ApiError {
  constructor(
    status: number,
    readonly error: OAuthError,
    readonly description: string,
    /** An invalid_client for no credentials, or ones the tenant never issued: not the tenant's failure. */
    readonly unauthenticated = false,
    /** Why, in a few words, for the log line (never a credential). */
    readonly reason?: string,
  ) {
    super(status, error, description);
    this.name = "OAuthFailure";
  }
}

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache", "X-Content-Type-Options": "nosniff" };

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { ...NO_STORE, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

function invalidRequest(description: string): OAuthFailure {
  return new OAuthFailure(400, "invalid_request", description);
}

/** The same answer whether the credentials were never the tenant's or are its own, refused. */
function invalidClient(unauthenticated = true): OAuthFailure {
  return new OAuthFailure(401, "invalid_client", "Client authentication failed.", unauthenticated);
}

/** RFC 6749 §2.3.1: both parts of the Basic credentials are form-urlencoded first. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

function basicCredentials(header: string): ClientCredentials {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) throw invalidClient();
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidClient();
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (!clientId || !clientSecret) throw invalidClient();
  return { clientId, clientSecret };
}

/**
 * The token request's budget. Entra sends `grant_type` with Basic credentials (about 30 bytes);
 * Microsoft's validator adds `client_id` and `client_secret` (about 150); a client assertion (a signed
 * JWT of 1-3 KB) with its type brings a request to at most 8 parameters and a few KB.
 */
export const MAX_TOKEN_FORM_BYTES = 16 * 1024;
export const MAX_TOKEN_FORM_PARAMETERS = 20;

type Form = ReadonlyMap<string, string>;

async function formText(request: HttpRequest): Promise<string> {
  try {
    return await readBoundedText(request, MAX_TOKEN_FORM_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new OAuthFailure(413, "invalid_request", error.message);
    throw error;
  }
}

/** Parses the form once, in one pass: repeated and surplus parameters are refused as they are met. */
async function formOf(request: HttpRequest): Promise<Form> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw invalidRequest("The request body must be application/x-www-form-urlencoded.");
  }
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(await formText(request))) {
    if (form.has(name)) throw invalidRequest(`The parameter '${name}' is repeated.`);
    if (form.size === MAX_TOKEN_FORM_PARAMETERS) {
      throw invalidRequest(`The form has more than ${MAX_TOKEN_FORM_PARAMETERS} parameters.`);
    }
    form.set(name, value);
  }
  return form;
}

function credentialsOf(request: HttpRequest, form: Form): ClientCredentials {
  const header = request.headers.get("authorization");
  const bodyId = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (header !== null) {
    if (bodySecret !== undefined) throw invalidRequest("Send the client credentials in one place only.");
    const basic = basicCredentials(header);
    if (bodyId !== undefined && bodyId !== basic.clientId)
      throw invalidRequest("Two different client ids were sent.");
    return basic;
  }
  if (!bodyId || !bodySecret) throw invalidClient();
  return { clientId: bodyId, clientSecret: bodySecret };
}

async function issue(
  services: AppServices,
  request: HttpRequest,
  tenantId: string,
): Promise<HttpResponseInit> {
  const form = await formOf(request);
  const grantType = form.get("grant_type");
  if (grantType === undefined) throw invalidRequest("grant_type is missing.");
  if (grantType !== "client_credentials") {
    throw new OAuthFailure(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
  }
  if (hasClientAssertion(form)) {
    const issued = await assertionAccessToken(request.headers.get("authorization"), tenantId, form, services);
    return json(200, {
      access_token: issued.accessToken,
      token_type: "Bearer",
      expires_in: issued.expiresIn,
    });
  }
  const { clientId, clientSecret } = credentialsOf(request, form);
  if (!isValidTenantId(tenantId)) throw invalidClient();
  const authentication = await services.authenticator.authenticateClient(tenantId, clientId, clientSecret);
  if (authentication.kind !== "authenticated") throw invalidClient(authentication.kind === "unauthenticated");
  const { accessToken, expiresIn } = await services.accessTokens.issue(tenantId, clientId);
  return json(200, { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn });
}

/** A failure in RFC 6749 §5.2 terms: the refusals above as they are, a storage fault as retryable. */
function oauthFailureOf(failure: Failure): OAuthFailure {
  const { error } = failure;
  if (error instanceof OAuthFailure) return error;
  if (error instanceof AssertionGrantError) {
    return new OAuthFailure(error.status, error.error, error.description, false, error.reason);
  }
  if (error instanceof StorageUnavailableError) {
    return new OAuthFailure(
      503,
      "temporarily_unavailable",
      "The credential store is unavailable; retry later.",
    );
  }
  return new OAuthFailure(500, "server_error", "An unexpected error occurred.");
}

function formatOAuthError(failure: Failure): FormattedError {
  const { status, error: code, description } = oauthFailureOf(failure);
  const headers: Record<string, string> = {};
  if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="scim-oauth", charset="UTF-8"';
  if (status === 503) headers["Retry-After"] = String(STORAGE_RETRY_AFTER_SECONDS);
  return { code, response: json(status, { error: code, error_description: description }, headers) };
}

/**
 * The token endpoint's surface: OAuth error bodies (RFC 6749 §5.2). Its requests carry client secrets
 * and assertions, so an unexpected error is logged by its name only.
 */
export const oauthSurface: Surface = {
  event: "oauth.token",
  telemetry: true,
  quietErrors: true,
  formatError: formatOAuthError,
};

/** The per-tenant token endpoint's work; a refusal's log-only reason and "not the tenant's" flag are noted. */
export function tokenWork(services: AppServices): PipelineWork {
  return async (request, call) => {
    try {
      return await issue(services, request, request.params.tenantId ?? "");
    } catch (error) {
      const refused =
        error instanceof OAuthFailure || error instanceof AssertionGrantError ? error : undefined;
      if (refused instanceof OAuthFailure && refused.unauthenticated) call.markUnauthenticated();
      if (refused?.reason) call.note({ reason: refused.reason });
      throw error;
    }
  };
}
