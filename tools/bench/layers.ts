import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TableClient } from "@azure/data-tables";
import type { TenantScope } from "../../src/service/resourceService";
import type { UserService } from "../../src/service/userService";
import { userKind, resourceRowKey } from "../../src/store";
import type { BenchTenant } from "./environment";
import { BenchHttp } from "./http";
import { runSlice, summarise, type LoadResult, type LoadSlice, type Operation } from "./load";
import { unexpected, type BenchOperation } from "./operations";

/** One step of the stack a GET by id goes through, measured on its own. */
export interface LayerResult {
  readonly layer: string;
  readonly does: string;
  readonly result: LoadResult;
  /** Throughput against the first layer (the raw read) measured in the same rounds. */
  readonly ratio: number;
}

export interface LayerOptions {
  /** The operations section's GET user by id: its raw read and its SCIM request are the outer layers. */
  readonly getById: BenchOperation;
  readonly tenant: BenchTenant;
  readonly client: TableClient;
  readonly users: UserService;
  readonly scope: TenantScope;
  readonly ids: readonly string[];
  readonly concurrency: number;
  readonly requests: number;
  readonly rounds: number;
  readonly azuriteCpuUs?: () => number | undefined;
}

/** A bare node:http server that answers `GET /<kind>/<id>` with `read(kind, id)` as JSON. */
async function bareServer(read: (kind: string, id: string) => Promise<unknown>): Promise<Server> {
  const server = createServer((incoming, response) => {
    const [, kind = "", id = ""] = (incoming.url ?? "").split("/");
    incoming.resume();
    read(kind, decodeURIComponent(id)).then(
      (body) => {
        response.setHeader("Content-Type", "application/json");
        response.end(JSON.stringify(body));
      },
      () => {
        response.statusCode = 500;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/**
 * GET user by id, peeled: the raw read, the same read behind a bare HTTP server, the service behind
 * that server, and the whole SCIM request through the local host. Each step's loss against the raw
 * read says what that layer costs; the layers alternate in every round, like raw and SCIM do.
 */
export async function measureLayers(options: LayerOptions): Promise<LayerResult[]> {
  const { tenant, client, ids } = options;
  const pick = (index: number) => ids[index % ids.length] ?? "";
  const server = await bareServer(async (kind, id) =>
    kind === "raw"
      ? client.getEntity(tenant.tenantId, resourceRowKey(userKind, id))
      : (await options.users.get(options.scope, id)).resource,
  );
  const bare = new BenchHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, tenant.token);
  const overBare =
    (kind: string): Operation =>
    async (index) =>
      unexpected(await bare.send("GET", `/${kind}/${encodeURIComponent(pick(index))}`), 200, `bare ${kind}`);
  const layers: { layer: string; does: string; operation: Operation }[] = [
    {
      layer: "raw",
      does: "getEntity of the user row, in the bench process",
      operation: options.getById.raw(),
    },
    {
      layer: "raw over HTTP",
      does: "the same getEntity behind a bare node:http server",
      operation: overBare("raw"),
    },
    {
      layer: "service over HTTP",
      does: "UserService.get (read, parse, render) behind the same server",
      operation: overBare("service"),
    },
    {
      layer: "SCIM",
      does: "GET /Users/{id} through the local host: HttpRequest, endpoint, handler",
      // Untagged: the bench keeps no log line for these requests.
      operation: options.getById.scim(() => "layers"),
    },
  ];
  const slices: LoadSlice[][] = layers.map(() => []);
  const load = { concurrency: options.concurrency, requests: Math.ceil(options.requests / options.rounds) };
  try {
    for (const layer of layers) await runSlice({ ...load, requests: 20 }, layer.operation);
    for (let round = 0; round < options.rounds; round += 1)
      for (const [index, layer] of layers.entries())
        slices[index]?.push(await runSlice(load, layer.operation, 0, options.azuriteCpuUs));
  } finally {
    bare.close();
    server.closeAllConnections();
    server.close();
  }
  const results = slices.map((layerSlices) => summarise(options.concurrency, layerSlices));
  const rawPerSecond = results[0]?.perSecond ?? 0;
  return layers.map(({ layer, does }, index) => {
    const result = results[index] as LoadResult;
    return {
      layer,
      does,
      result,
      ratio: rawPerSecond > 0 ? Math.round((result.perSecond / rawPerSecond) * 100) / 100 : 0,
    };
  });
}
