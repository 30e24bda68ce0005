import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvocationContext, type HttpResponseInit, type LogHandler } from "@azure/functions";
import { assertHostAcceptsRoutes } from "../src/http/hostRouteRules";
import { errorResponse } from "../src/http/response";
import type { RouteDefinition } from "../src/http/routes";
import { ScimError } from "../src/scim/errors";
import { closeAfterUnreadBody, exceedsHostLimit, parseTarget, streamedRequest } from "./localHostRequest";

interface CompiledRoute {
  readonly definition: RouteDefinition;
  match(segments: readonly string[]): Record<string, string> | undefined;
}

/**
 * Compiles an Azure Functions route template (`scim/v2/{tenantId}/Users/{id?}`, `{*rest}`) the
 * way the Functions host matches it: literal segments ignore case, `?` marks an optional last
 * parameter, `*` takes the rest of the path.
 */
export function compileRoute(definition: RouteDefinition): CompiledRoute {
  // Each template part parsed once: matching runs for every route on every request.
  const template = definition.route.split("/").map((part) => {
    const parameter = /^\{(\*?)(\w+)(\??)\}$/.exec(part);
    if (!parameter) return { literal: part.toLowerCase() } as const;
    const [, catchAll, name = "", optional] = parameter;
    return { name, catchAll: catchAll !== "", optional: optional !== "" } as const;
  });
  return {
    definition,
    match(segments) {
      const params: Record<string, string> = {};
      for (let index = 0; index < template.length; index += 1) {
        const part = template[index];
        if (part === undefined) break;
        const segment = segments[index];
        if ("literal" in part) {
          if (segment === undefined || segment.toLowerCase() !== part.literal) return undefined;
          continue;
        }
        if (part.catchAll) {
          params[part.name] = segments.slice(index).join("/");
          return params;
        }
        if (segment === undefined) return part.optional ? params : undefined;
        params[part.name] = segment;
      }
      return segments.length <= template.length ? params : undefined;
    },
  };
}

/** The table compiled for serving; refused, as a whole, when the Functions host would refuse any route of it. */
export function compileRouteTable(table: readonly RouteDefinition[]): CompiledRoute[] {
  assertHostAcceptsRoutes(table);
  return table.map(compileRoute);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Writes a streamed body chunk by chunk, waiting for the socket to drain (bounded memory). */
async function streamTo(response: ServerResponse, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (!response.write(chunk)) await new Promise((resolve) => response.once("drain", resolve));
  }
  response.end();
}

function setHeaders(response: ServerResponse, headers: HttpResponseInit["headers"]): void {
  // Handlers return plain objects; building a WHATWG Headers from one costs more than the rest of the write.
  if (headers === undefined) return;
  const plain = !(headers instanceof Headers) && !Array.isArray(headers);
  for (const [name, value] of plain ? Object.entries(headers) : new Headers(headers).entries())
    response.setHeader(name, value);
}

async function writeResponse(response: ServerResponse, result: HttpResponseInit): Promise<void> {
  response.statusCode = result.status ?? 200;
  setHeaders(response, result.headers);
  const body = result.body;
  if (typeof body === "string") response.end(body);
  else if (body === undefined || body === null) response.end();
  else if (isAsyncIterable(body)) await streamTo(response, body);
  else
    response.end(
      Buffer.from(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer()),
    );
}

/** Answers before any handler runs (malformed URL, body over the host's limit), closing if the body is unread. */
async function refuse(incoming: IncomingMessage, response: ServerResponse, error: ScimError): Promise<void> {
  closeAfterUnreadBody(incoming, response);
  await writeResponse(response, errorResponse(error, randomUUID()));
}

async function serve(
  compiled: readonly CompiledRoute[],
  incoming: IncomingMessage,
  response: ServerResponse,
  log: LogHandler,
): Promise<void> {
  const target = parseTarget(incoming);
  if (target === undefined) {
    return refuse(incoming, response, new ScimError(400, "The URL is malformed (bad percent-encoding)."));
  }
  if (exceedsHostLimit(incoming)) {
    return refuse(incoming, response, new ScimError(413, "The request body exceeds the host's limit."));
  }
  const { url, segments } = target;
  const method = (incoming.method ?? "GET").toUpperCase();
  for (const route of compiled) {
    if (!route.definition.methods.includes(method as never)) continue;
    const params = route.match(segments);
    if (!params) continue;
    const request = streamedRequest(incoming, method, url, params);
    const context = new InvocationContext({
      functionName: route.definition.name,
      invocationId: randomUUID(),
      logHandler: log,
    });
    const result = await route.definition.handler(request, context);
    closeAfterUnreadBody(incoming, response);
    await writeResponse(response, result);
    return;
  }
  closeAfterUnreadBody(incoming, response);
  response.statusCode = 404;
  response.end();
}

export interface LocalHost {
  readonly server: Server;
  readonly origin: string;
  /** Serves another route table from the next request on (a bench phase over other services). */
  useRoutes(table: readonly RouteDefinition[]): void;
  close(): Promise<void>;
}

const IDLE_CONNECTION_MS = 130_000;

/**
 * Serves a route table (`createRoutes(services)` over the services the caller built) over HTTP on
 * 127.0.0.1, as the Functions host would, without Core Tools. A table with a route the Functions host
 * refuses is refused here too (the promise rejects before listening).
 */
export function startLocalHost(
  port: number,
  table: readonly RouteDefinition[],
  log: LogHandler = () => undefined,
): Promise<LocalHost> {
  let compiled: CompiledRoute[];
  try {
    compiled = compileRouteTable(table);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const server = createServer((incoming, response) => {
    serve(compiled, incoming, response, log).catch((error: unknown) => {
      log("error", "local host failed to serve a request", error);
      response.statusCode = 500;
      response.end();
    });
  });
  // The Functions host (Kestrel) keeps an idle connection 130 s; Node's default of 5 s would close a
  // keep-alive client's socket just as it reuses it after a pause, a reset the real host never causes.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        server,
        origin: `http://127.0.0.1:${bound}`,
        useRoutes(next) {
          compiled = compileRouteTable(next);
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              done();
            });
            server.closeAllConnections();
          }),
      });
    });
  });
}
