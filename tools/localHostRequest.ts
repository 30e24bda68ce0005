import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpRequest } from "@azure/functions";

/**
 * How the local host hands a request to a handler and ends it, matching the Functions host with HTTP
 * streams on (`app.setup({ enableHttpStream: true })`): the body is not read before the handler runs,
 * but streamed to it as it reads, so a handler authenticates first and reads within its own limit.
 */

/** The Functions host's own limit on a request body (its default `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`). */
export const HOST_MAX_BODY_BYTES = 100 * 1024 * 1024;
/** After answering a request whose body was left unread: how much more is read and discarded, and for how long. */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2_000;

export interface ParsedTarget {
  readonly url: URL;
  readonly segments: readonly string[];
}

/** The request's URL and decoded path segments; undefined when the URL or its percent-encoding is malformed. */
export function parseTarget(incoming: IncomingMessage): ParsedTarget | undefined {
  try {
    const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "127.0.0.1"}`);
    // Entra appends "/Users" to the Tenant URL, so a pasted trailing slash yields "//Users".
    const segments = url.pathname
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment));
    return { url, segments };
  } catch {
    return undefined;
  }
}

/** Whether the declared body is larger than the Functions host itself accepts. */
export function exceedsHostLimit(incoming: IncomingMessage): boolean {
  return Number(incoming.headers["content-length"] ?? "0") > HOST_MAX_BODY_BYTES;
}

function headersOf(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * The handler's request, its body the incoming stream itself (as the library's own streaming
 * request, `createStreamRequest`, builds it): nothing is buffered before the handler reads.
 */
export function streamedRequest(
  incoming: IncomingMessage,
  method: string,
  url: URL,
  params: Record<string, string>,
): HttpRequest {
  const headers = headersOf(incoming);
  const hasBody = method !== "GET" && method !== "HEAD";
  const nativeRequest = new Request(url.href, {
    method,
    headers,
    ...(hasBody ? { body: incoming, duplex: "half" } : {}),
  });
  const init = {
    method,
    url: url.href,
    headers,
    // As the Functions host does: the query as a map, so the request need not parse its URL again.
    query: Object.fromEntries(url.searchParams),
    params,
    nativeRequest,
  };
  return new HttpRequest(init);
}

/**
 * Called before the response is written. When the handler answered without reading the whole body
 * (a 401 before the body, a 413 part-way), the connection is closed after the answer instead of
 * reading the rest: at most LINGER_BYTES more are discarded (so the client sees the answer, not a
 * reset), for at most LINGER_MS, then the socket is destroyed. A client cannot make the host read
 * or hold a body nobody asked for.
 */
export function closeAfterUnreadBody(incoming: IncomingMessage, response: ServerResponse): void {
  if (incoming.complete) return;
  response.setHeader("Connection", "close");
  const socket = incoming.socket;
  response.once("finish", () => {
    let discarded = 0;
    const stop = setTimeout(() => socket.destroy(), LINGER_MS);
    stop.unref();
    socket.once("close", () => {
      clearTimeout(stop);
    });
    incoming.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) socket.destroy();
    });
    incoming.resume();
  });
}
