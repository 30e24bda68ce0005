import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BenchHttp } from "./http";
import { EXHAUSTED, type Operation } from "./load";
import { unexpected, type BenchInput, type BenchOperation } from "./operations";

/** The four ways every operation is measured, outermost last; each against the one before says what it adds. */
export const LAYERS = [
  { layer: "raw", does: "the Table calls, in the bench process" },
  { layer: "raw over HTTP", does: "the same calls behind a bare node:http server (JSON in, JSON out)" },
  {
    layer: "service over HTTP",
    does: "the service call (parse, validate, audit, render) behind that server",
  },
  { layer: "SCIM", does: "the SCIM request through the local host: HttpRequest, endpoint, handler" },
] as const;

export type LayerName = (typeof LAYERS)[number]["layer"];

type BareLayer = "raw" | "service";

/**
 * A bare node:http server in the bench process: `POST /<raw|service>/<operation>` with the
 * operation's input as its JSON body runs that layer's work and answers 200 with what it returned.
 * It is the floor an HTTP service cannot go below: the storage work plus the hop, nothing of ours.
 */
export class BareServer {
  private constructor(
    private readonly server: Server,
    readonly http: BenchHttp,
  ) {}

  static async start(operations: readonly BenchOperation[], token: string): Promise<BareServer> {
    const server = createServer((incoming, response) => {
      const [, layer = "", name = ""] = (incoming.url ?? "").split("/");
      const operation = operations[Number(name)];
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const answer = async () => {
          if (!operation || (layer !== "raw" && layer !== "service")) throw new Error("no such operation");
          const input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as BenchInput;
          return layer === "raw" ? operation.rawWork(input) : operation.serviceWork(input);
        };
        answer().then(
          (body) => {
            response.setHeader("Content-Type", "application/json");
            response.end(JSON.stringify(body ?? null));
          },
          (error: unknown) => {
            response.statusCode = 500;
            response.end(error instanceof Error ? error.message : String(error));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new BareServer(server, new BenchHttp(`http://127.0.0.1:${port}`, token));
  }

  /** The operation's `layer` work, reached through this server. */
  operation(operations: readonly BenchOperation[], operation: BenchOperation, layer: BareLayer): Operation {
    const path = `/${layer}/${operations.indexOf(operation)}`;
    return async (index) => {
      const input = operation.input(index);
      if (input === undefined) return EXHAUSTED;
      return unexpected(await this.http.send("POST", path, { body: input }), 200, `${layer} over HTTP`);
    };
  }

  close(): void {
    this.http.close();
    this.server.closeAllConnections();
    this.server.close();
  }
}
