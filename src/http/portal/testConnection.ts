import { randomUUID } from "node:crypto";
import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { fixFor } from "../../diagnostics/failureFixes";
import { jsonBody } from "../jsonBody";
import type { PortalCall, PortalOperation } from "./portalEndpoint";
import { tenantUrlOf } from "./session";

/** Finds a handler of the route table by its function name (resolved when a test runs). */
export type RouteHandlers = (name: string) => HttpHandler | undefined;

/** A Secret Token, or an OAuth client's id and secret (Entra then asks the token endpoint first). */
const testSchema = z.union([
  z.object({ token: z.string().min(1).max(4096) }).strict(),
  z.object({ clientId: z.string().min(1).max(100), clientSecret: z.string().min(1).max(4096) }).strict(),
]);

interface Check {
  readonly name: string;
  readonly request: string;
  readonly status: number;
  readonly ok: boolean;
  readonly detail: string;
}

interface Probe {
  readonly name: string;
  readonly route: string;
  readonly resource: "Users" | "Groups";
  readonly query: readonly [string, string][];
}

/** What Entra's Test Connection sends: a user and a group that cannot exist (docs/entra-setup.md, step 5). */
function probes(): Probe[] {
  return [
    {
      name: "Find a user by userName",
      route: "scimUsers",
      resource: "Users",
      query: [["filter", `userName eq "${randomUUID()}"`]],
    },
    {
      name: "Find a group by displayName",
      route: "scimGroups",
      resource: "Groups",
      query: [
        ["excludedAttributes", "members"],
        ["filter", `displayName eq "${randomUUID()}"`],
      ],
    },
  ];
}

function bodyOf(response: HttpResponseInit): Record<string, unknown> | undefined {
  if (typeof response.body !== "string") return undefined;
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function verdict(status: number, body: Record<string, unknown> | undefined): { ok: boolean; detail: string } {
  if (status === 200 && body?.totalResults === 0) {
    return { ok: true, detail: "200 with an empty list, as Entra expects." };
  }
  if (status === 200)
    return { ok: false, detail: "200, but not an empty list: Entra would match a stray object." };
  const scimType = typeof body?.scimType === "string" ? body.scimType : undefined;
  return { ok: false, detail: fixFor(status, scimType) };
}

/** Calls a handler of the route table in this process, its log lines going to the portal request's. */
async function dispatch(
  call: PortalCall,
  handlers: RouteHandlers,
  route: string,
  init: ConstructorParameters<typeof HttpRequest>[0],
): Promise<HttpResponseInit> {
  const handler = handlers(route);
  if (handler === undefined) throw new Error(`no route '${route}' in the route table`);
  const context = new InvocationContext({
    functionName: route,
    invocationId: randomUUID(),
    logHandler: (_level, ...args) => {
      call.context.log(...args);
    },
  });
  const headers = { ...init.headers, "x-correlation-id": randomUUID() };
  return handler(new HttpRequest({ ...init, headers, params: { tenantId: call.session.tenantId } }), context);
}

async function runProbe(
  call: PortalCall,
  handlers: RouteHandlers,
  token: string,
  probe: Probe,
): Promise<Check> {
  const tenantUrl = tenantUrlOf(call.request, call.session.tenantId);
  const search = new URLSearchParams(probe.query).toString();
  const shown = `GET ${new URL(tenantUrl).pathname}/${probe.resource}?${probe.query.map(([k, v]) => `${k}=${v}`).join("&")}`;
  const response = await dispatch(call, handlers, probe.route, {
    method: "GET",
    url: `${tenantUrl}/${probe.resource}?${search}`,
    headers: { authorization: `Bearer ${token}` },
    query: Object.fromEntries(probe.query),
  });
  const status = response.status ?? 200;
  return { name: probe.name, request: shown, status, ...verdict(status, bodyOf(response)) };
}

/** What Entra does first with OAuth client credentials: an access token from the token endpoint. */
async function requestAccessToken(
  call: PortalCall,
  handlers: RouteHandlers,
  clientId: string,
  clientSecret: string,
): Promise<{ check: Check; accessToken?: string }> {
  const url = `${tenantUrlOf(call.request, call.session.tenantId)}/oauth/token`;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
  });
  const response = await dispatch(call, handlers, "oauthToken", {
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: { string: form.toString() },
  });
  const status = response.status ?? 200;
  const accessToken = bodyOf(response)?.access_token;
  const ok = status === 200 && typeof accessToken === "string";
  const check = {
    name: "Get an access token with the client credentials",
    request: `POST ${new URL(url).pathname} (grant_type=client_credentials)`,
    status,
    ok,
    detail: ok
      ? "200 with an access token, as Entra expects."
      : "The token endpoint refused the client id and secret: check both (a secret is shown once; create a new client here if it is lost).",
  };
  return ok && typeof accessToken === "string" ? { check, accessToken } : { check };
}

/**
 * POST /portal/api/test-connection `{token}` or `{clientId, clientSecret}`: runs Entra's Test Connection
 * requests with the credential the admin pastes into Entra, through the same handlers Entra reaches (in
 * process: no network hop, the same authentication, counters and log lines). No secret is echoed.
 */
export function testConnection(handlers: RouteHandlers): PortalOperation {
  return async (call) => {
    const credential = await jsonBody(call.request, testSchema);
    const checks: Check[] = [];
    let bearer: string | undefined;
    if ("token" in credential) bearer = credential.token;
    else {
      const issued = await requestAccessToken(call, handlers, credential.clientId, credential.clientSecret);
      checks.push(issued.check);
      bearer = issued.accessToken;
    }
    if (bearer !== undefined) {
      for (const probe of probes()) checks.push(await runProbe(call, handlers, bearer, probe));
    }
    return { body: { ok: checks.every((check) => check.ok), checks } };
  };
}
