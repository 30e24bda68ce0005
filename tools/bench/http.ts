import { Agent, request } from "node:http";

export interface HttpResult {
  readonly status: number;
  readonly body: string;
  /** Bytes of the body, counted even when the body is not kept. */
  readonly bytes: number;
}

export interface SendOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Count the body's bytes but do not keep them (a 100,000-member group). */
  readonly discardBody?: boolean;
}

/**
 * A lean keep-alive HTTP client for the bench, so client overhead stays small next to the server's
 * (the Table SDK of the raw measurements keeps its connections alive too).
 */
export class BenchHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  send(method: string, path: string, options: SendOptions = {}): Promise<HttpResult> {
    const url = new URL(this.baseUrl + path);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string | number> = {
      Authorization: `Bearer ${this.token}`,
      ...options.headers,
    };
    if (payload !== undefined) {
      headers["Content-Type"] = "application/scim+json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method,
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (!options.discardBody) chunks.push(chunk);
          });
          response.on("end", () => {
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              bytes,
            });
          });
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
