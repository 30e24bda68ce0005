import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { services } from "../../app/services";
import { STORAGE_RETRY_AFTER_SECONDS, StorageUnavailableError } from "../../service/storageUnavailable";
import { isValidTenantId } from "../../tenants/tenantId";

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

class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthError,
    readonly description: string,
  ) {
    super(description);
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

function invalidClient(): OAuthFailure {
  return new OAuthFailure(401, "invalid_client", "Client authentication failed.");
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

async function formOf(request: HttpRequest): Promise<URLSearchParams> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw invalidRequest("The request body must be application/x-www-form-urlencoded.");
  }
  const form = new URLSearchParams(await request.text());
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) throw invalidRequest(`The parameter '${name}' is repeated.`);
  }
  return form;
}

function credentialsOf(request: HttpRequest, form: URLSearchParams): ClientCredentials {
  const header = request.headers.get("authorization");
  const bodyId = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (header !== null) {
    if (bodySecret !== null) throw invalidRequest("Send the client credentials in one place only.");
    const basic = basicCredentials(header);
    if (bodyId !== null && bodyId !== basic.clientId)
      throw invalidRequest("Two different client ids were sent.");
    return basic;
  }
  if (!bodyId || !bodySecret) throw invalidClient();
  return { clientId: bodyId, clientSecret: bodySecret };
}

async function issue(request: HttpRequest, tenantId: string): Promise<HttpResponseInit> {
  const form = await formOf(request);
  const grantType = form.get("grant_type");
  if (grantType === null) throw invalidRequest("grant_type is missing.");
  if (grantType !== "client_credentials") {
    throw new OAuthFailure(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
  }
  const { clientId, clientSecret } = credentialsOf(request, form);
  if (!isValidTenantId(tenantId)) throw invalidClient();
  const current = services();
  if (!(await current.authenticator.verifyClient(tenantId, clientId, clientSecret))) throw invalidClient();
  const { accessToken, expiresIn } = await current.accessTokens.issue(tenantId, clientId);
  return json(200, { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn });
}

function failure(error: unknown, context: InvocationContext): OAuthFailure {
  if (error instanceof OAuthFailure) return error;
  if (error instanceof StorageUnavailableError) {
    return new OAuthFailure(
      503,
      "temporarily_unavailable",
      "The credential store is unavailable; retry later.",
    );
  }
  context.error("Token endpoint failed", error instanceof Error ? error.name : "unknown error");
  return new OAuthFailure(500, "server_error", "An unexpected error occurred.");
}

export async function tokenEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const correlationId = request.headers.get("x-correlation-id")?.slice(0, 64) ?? randomUUID();
  const started = Date.now();
  const tenantId = request.params.tenantId ?? "";
  let response: HttpResponseInit;
  let errorCode: OAuthError | undefined;
  try {
    response = await issue(request, tenantId);
  } catch (error) {
    const { status, error: code, description } = failure(error, context);
    errorCode = code;
    const headers: Record<string, string> = {};
    if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="scim-oauth", charset="UTF-8"';
    if (status === 503) headers["Retry-After"] = String(STORAGE_RETRY_AFTER_SECONDS);
    response = json(status, { error: code, error_description: description }, headers);
  }
  response.headers = { ...(response.headers as Record<string, string>), "X-Correlation-Id": correlationId };
  context.log(
    JSON.stringify({
      event: "oauth.token",
      correlationId,
      tenantId: isValidTenantId(tenantId) ? tenantId : "(invalid)",
      status: response.status,
      ...(errorCode ? { error: errorCode } : {}),
      durationMs: Date.now() - started,
    }),
  );
  return response;
}
