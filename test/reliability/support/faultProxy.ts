import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An HTTP proxy on 127.0.0.1 in front of Azurite's Table service that injects storage faults:
 * answer 503 or 500 without forwarding, reset the connection, hold the request without ever
 * answering (longer than any SDK timeout), forward but hold the response, or stop listening.
 */

export type Fault =
  | { readonly kind: "status"; readonly status: 500 | 503 }
  | { readonly kind: "reset" }
  | { readonly kind: "hang" }
  | { readonly kind: "delayResponse"; readonly ms: number };

export const FAULTS = {
  serverBusy: { kind: "status", status: 503 },
  internalError: { kind: "status", status: 500 },
  reset: { kind: "reset" },
  hang: { kind: "hang" },
} as const satisfies Record<string, Fault>;

export interface StorageRequest {
  readonly method: string;
  /** Path and query, e.g. `/devstoreaccount1/$batch`. */
  readonly path: string;
}

interface Rule {
  readonly fault: Fault;
  readonly matches: (request: StorageRequest) => boolean;
  /** Matching requests let through before the fault starts. */
  skip: number;
  /** Matching requests the fault applies to. */
  remaining: number;
}

/** Transactions (entity-group batches): every write of the connector is one. */
export function isTransaction(request: StorageRequest): boolean {
  return request.method === "POST" && request.path.includes("$batch");
}

export class FaultProxy {
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private readonly agent = new Agent({ keepAlive: true });
  private rules: Rule[] = [];
  private server: Server;
  /** Requests that reached the proxy, faults included. */
  requests = 0;
  /** Requests answered with a fault, by fault kind. */
  readonly injected = new Map<string, number>();

  private constructor(
    private upstreamPort: number,
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
  }

  static async start(upstreamPort: number, port = 0): Promise<FaultProxy> {
    // eslint-disable-next-line prefer-const -- assigned once the server exists; its handler reads it later
    let proxy: FaultProxy | undefined;
    const server = createServer((request, response) => {
      proxy?.handle(request, response);
    });
    const bound = await listen(server, port);
    proxy = new FaultProxy(upstreamPort, bound, server);
    proxy.track(server);
    return proxy;
  }

  /** The connection string of Azurite's Table service, through this proxy. */
  connectionString(base: string): string {
    return base.replace(
      /TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//,
      `TableEndpoint=http://127.0.0.1:${this.port}/`,
    );
  }

  /** Every request (or every matching one) fails this way until `heal()`. */
  failAlways(fault: Fault, matches: (request: StorageRequest) => boolean = () => true): void {
    this.rules.push({ fault, matches, skip: 0, remaining: Number.POSITIVE_INFINITY });
  }

  /** The next `count` matching requests after `skip` more fail this way. */
  failNext(
    fault: Fault,
    count: number,
    matches: (request: StorageRequest) => boolean = () => true,
    skip = 0,
  ): void {
    this.rules.push({ fault, matches, skip, remaining: count });
  }

  /** Stops injecting faults; requests already held stay held (their clients time out). */
  heal(): void {
    this.rules = [];
  }

  /** Points the proxy at another upstream port (a restarted Azurite). */
  retarget(upstreamPort: number): void {
    this.upstreamPort = upstreamPort;
  }

  /** Closes the listening socket and every connection: clients get ECONNREFUSED until `listen()`. */
  async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    this.dropConnections();
    await closed;
  }

  async listen(): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request, response);
    });
    this.track(this.server);
    await listen(this.server, this.port);
  }

  async close(): Promise<void> {
    this.heal();
    await this.stopListening().catch(() => undefined);
    this.agent.destroy();
  }

  private dropConnections(): void {
    for (const response of this.held) response.destroy();
    this.held.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(server: Server): void {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  private faultFor(request: StorageRequest): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !rule.matches(request)) continue;
      if (rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      rule.remaining -= 1;
      return rule.fault;
    }
    return undefined;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests += 1;
    const fault = this.faultFor({ method: request.method ?? "GET", path: request.url ?? "/" });
    if (fault) this.injected.set(fault.kind, (this.injected.get(fault.kind) ?? 0) + 1);
    switch (fault?.kind) {
      case "status":
        request.resume();
        request.on("end", () => {
          const body = JSON.stringify({
            "odata.error": {
              code: fault.status === 503 ? "ServerBusy" : "InternalError",
              message: { lang: "en-US", value: "Injected by the test's fault proxy." },
            },
          });
          response.writeHead(fault.status, { "Content-Type": "application/json;odata=minimalmetadata" });
          response.end(body);
        });
        return;
      case "reset":
        request.socket.destroy();
        return;
      case "hang":
        request.resume();
        this.held.add(response);
        response.on("close", () => this.held.delete(response));
        return;
      default:
        this.forward(request, response, fault?.kind === "delayResponse" ? fault.ms : 0);
    }
  }

  private forward(request: IncomingMessage, response: ServerResponse, delayMs: number): void {
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: this.upstreamPort,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent: this.agent,
      },
      (answer) => {
        const send = () => {
          if (response.destroyed) {
            answer.resume();
            return;
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        };
        if (delayMs > 0) {
          this.held.add(response);
          setTimeout(() => {
            this.held.delete(response);
            send();
          }, delayMs).unref();
        } else send();
      },
    );
    upstream.on("error", () => {
      // Upstream (Azurite) down: the client sees its connection reset, as with a real outage.
      request.socket.destroy();
    });
    request.pipe(upstream);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}
