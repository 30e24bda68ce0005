import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Stands between a SCIM client (the Entra replay) and the connector on 127.0.0.1 and does what
 * Entra does with a transient failure: a 503 (or no answer at all) is retried later, the same
 * request again, until it gets a real answer. Every attempt is recorded, so a test can check what
 * the connector answered while storage was down.
 */

export interface Attempt {
  readonly method: string;
  readonly path: string;
  /** 0 when the connector did not answer (connection failed). */
  readonly status: number;
  readonly retryAfter?: string;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request as the client saw it in the end, after the front's retries. */
export interface Outcome {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Attempts it took (1 when the first answer was final). */
  readonly attempts: number;
}

export class RetryingFront {
  readonly attempts: Attempt[] = [];
  readonly outcomes: Outcome[] = [];
  /** Called with each request's sequence number as it arrives (1-based), before it is forwarded. */
  onRequest: (seq: number) => void = () => undefined;
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly target: URL,
    private readonly options: { readonly pauseMs: number; readonly maxAttempts: number },
  ) {}

  static async start(
    targetOrigin: string,
    options = { pauseMs: 250, maxAttempts: 200 },
  ): Promise<RetryingFront> {
    // eslint-disable-next-line prefer-const -- assigned once the server exists; its handler reads it later
    let front: RetryingFront | undefined;
    const server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        void front
          ?.relay(incoming.method ?? "GET", incoming.url ?? "/", incoming.headers, Buffer.concat(chunks))
          .then((answer) => {
            response.writeHead(answer.status, answer.headers);
            response.end(answer.body);
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    front = new RetryingFront(server, `http://127.0.0.1:${port}`, new URL(targetOrigin), options);
    return front;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  private async relay(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) {
    this.seq += 1;
    this.onRequest(this.seq);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.once(method, path, headers, body);
      const retryAfter = answer.headers["retry-after"];
      this.attempts.push({
        method,
        path,
        status: answer.status,
        ...(typeof retryAfter === "string" ? { retryAfter } : {}),
        body: answer.body.toString("utf8"),
      });
      if ((answer.status !== 503 && answer.status !== 0) || attempt >= this.options.maxAttempts) {
        this.outcomes.push({ method, path, status: answer.status, attempts: attempt });
        return answer.status === 0 ? { ...answer, status: 502 } : answer;
      }
      // Entra waits at least Retry-After; the test scales the wait down so the run stays short.
      await sleep(this.options.pauseMs);
    }
  }

  private once(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> {
    return new Promise((resolve) => {
      const outgoing = httpRequest(
        {
          host: this.target.hostname,
          port: this.target.port,
          method,
          path,
          headers: { ...headers, "content-length": String(body.length) },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => {
            resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on("error", () => {
        resolve({ status: 0, headers: {}, body: Buffer.alloc(0) });
      });
      outgoing.end(body);
    });
  }
}
