import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runReplay } from "../../../tools/entra/replay";
import type { CheckResult } from "../../../tools/entra/report";
import { startTestHost, type TestHost } from "../../support/testServices";

jest.setTimeout(120_000);

type Mutate = (method: string, url: string, requestBody: string, status: number, body: string) => string;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A proxy in front of the real host that rewrites responses, to prove the checks catch real faults. */
function faultyProxy(target: string, mutate: Mutate): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const requestBody = await readBody(request);
      const method = request.method ?? "GET";
      const upstream = await fetch(`${target}${request.url ?? "/"}`, {
        method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== "host",
          ),
        ),
        ...(requestBody === "" ? {} : { body: requestBody }),
      });
      const text = mutate(method, request.url ?? "", requestBody, upstream.status, await upstream.text());
      response.statusCode = upstream.status;
      const contentType = upstream.headers.get("content-type");
      if (contentType) response.setHeader("Content-Type", contentType);
      response.end(text);
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
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

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("the replay's checks catch faults a server could have", () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
  });

  afterAll(async () => {
    await host.close();
  });

  async function replayThrough(mutate: Mutate): Promise<CheckResult[]> {
    const tenant = await host.createTenant("fault");
    const proxy = await faultyProxy(host.host.origin, mutate);
    try {
      const report = await runReplay({
        url: tenant.tenantUrl.replace(host.host.origin, proxy.origin),
        token: tenant.token,
        users: 4,
        groups: 2,
      });
      return report.steps.flatMap((step) => step.checks.filter((check) => !check.ok));
    } finally {
      await proxy.close();
    }
  }

  it("a manager returned as a bare string (Budibase's bug, §3.10)", async () => {
    const failures = await replayThrough((_method, _url, _request, _status, body) => {
      if (!body.includes('"manager"')) return body;
      const json = JSON.parse(body);
      const flatten = (user: any) => {
        const manager = user?.[ENTERPRISE]?.manager;
        if (manager && typeof manager === "object") user[ENTERPRISE].manager = manager.value;
      };
      if (Array.isArray(json.Resources)) json.Resources.forEach(flatten);
      else flatten(json);
      return JSON.stringify(json);
    });
    const names = new Set(failures.map((check) => check.name));
    expect(names).toContain("manager returned as an object {value}");
    expect(failures.find((check) => check.name === "manager returned as an object {value}")?.escrow).toBe(
      true,
    );
  });

  it("a Remove of one member that empties the group (§3.9, §13.4)", async () => {
    let lastPatched: string | undefined;
    const failures = await replayThrough((method, url, request, _status, body) => {
      if (method === "PATCH" && url.includes("/Groups/") && /"op":"Remove","path":"members"/.test(request))
        lastPatched = url.split("?")[0];
      if (method === "GET" && lastPatched !== undefined && url === lastPatched && body !== "") {
        const json = JSON.parse(body);
        json.members = [];
        return JSON.stringify(json);
      }
      return body;
    });
    expect(failures.map((check) => check.name)).toContain("group members are exactly the ones added");
  });

  it("members returned despite excludedAttributes=members, and active as a string", async () => {
    const failures = await replayThrough((method, url, _request, _status, body) => {
      if (method !== "GET" || body === "") return body;
      const json = JSON.parse(body);
      if (url.includes("excludedAttributes=members") && url.includes("/Groups/"))
        json.members = [{ value: "x" }];
      if (typeof json.active === "boolean") json.active = json.active ? "True" : "False";
      return JSON.stringify(json);
    });
    const names = failures.map((check) => check.name);
    expect(names).toContain("excludedAttributes=members honoured (no members returned)");
    expect(names).toContain("active returned as a JSON boolean with the sent value");
  });
});
