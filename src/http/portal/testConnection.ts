import { randomUUID } from "node:crypto";
import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { fixFor } from "../../diagnostics/failureFixes";
import { jsonBody } from "../jsonBody";
import type { PortalCall, PortalOperation } from "./portalEndpoint";
import { tenantUrlOf } from "./session";

/** Finds a handler of the route table by its function name (resolved when a test runs). */
export type RouteHandlers = (name: string) => HttpHandler | undefined;

const testSchema = z.object({ token: z.string().min(1).max(4096) });

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

async function runProbe(call: PortalCall, handlers: RouteHandlers, token: string, probe: Probe) {
  const tenantUrl = tenantUrlOf(call.request, call.session.tenantId);
  const search = new URLSearchParams(probe.query).toString();
  const shown = `GET ${new URL(tenantUrl).pathname}/${probe.resource}?${probe.query.map(([k, v]) => `${k}=${v}`).join("&")}`;
  const handler = handlers(probe.route);
  if (handler === undefined) throw new Error(`no route '${probe.route}' in the route table`);
  const request = new HttpRequest({
    method: "GET",
    url: `${tenantUrl}/${probe.resource}?${search}`,
    headers: { authorization: `Bearer ${token}`, "x-correlation-id": randomUUID() },
    query: Object.fromEntries(probe.query),
    params: { tenantId: call.session.tenantId },
  });
  const context = new InvocationContext({
    functionName: probe.route,
    invocationId: randomUUID(),
    logHandler: (_level, ...args) => {
      call.context.log(...args);
    },
  });
  const response = await handler(request, context);
  const status = response.status ?? 200;
  return { name: probe.name, request: shown, status, ...verdict(status, bodyOf(response)) };
}

/**
 * POST /portal/api/test-connection `{token}`: runs Entra's Test Connection requests with the token
 * the admin pastes into Entra, through the same SCIM handlers Entra reaches (in process: no network
 * hop, the same authentication, counters and log lines). The token is never echoed.
 */
export function testConnection(handlers: RouteHandlers): PortalOperation {
  return async (call) => {
    const { token } = await jsonBody(call.request, testSchema);
    const checks = [];
    for (const probe of probes()) checks.push(await runProbe(call, handlers, token, probe));
    return { body: { ok: checks.every((check) => check.ok), checks } };
  };
}
