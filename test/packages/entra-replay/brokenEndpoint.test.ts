import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { freePort } from "../../../tools/freePort";
import { main } from "../../../packages/entra-replay/src/cli";
import { runReplay } from "../../../packages/entra-replay/src/replay";
import { formatReport } from "../../../packages/entra-replay/src/reportText";

jest.setTimeout(60_000);

interface Fake {
  readonly url: string;
  readonly seen: string[];
  close(): Promise<void>;
}

function listen(server: Server, seen: string[], sockets: Set<Socket> = new Set()): Promise<Fake> {
  server.on("connection", (socket) => {
    sockets.add(socket);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/scim/v2/broken`,
        seen,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

/** A SCIM endpoint with two classic faults: 404 for "no match", lowercase resources. */
function brokenServer(): Promise<Fake> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method ?? ""} ${request.url ?? ""}`);
    response.setHeader("Content-Type", "application/scim+json");
    if (request.headers.authorization !== "Bearer right") {
      response.statusCode = 401;
      response.end(
        JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" }),
      );
      return;
    }
    if (request.url?.includes("filter=")) {
      response.statusCode = 404;
      response.end(
        JSON.stringify({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
          status: "404",
          detail: "no user",
        }),
      );
      return;
    }
    response.statusCode = 200;
    response.end(JSON.stringify({ totalResults: 0, resources: [] }));
  });
  return listen(server, seen);
}

/** Accepts connections and never answers. */
function silentServer(): Promise<Fake> {
  const seen: string[] = [];
  const server = createServer((request) => {
    seen.push(`${request.method ?? ""} ${request.url ?? ""}`);
  });
  return listen(server, seen);
}

/** Runs the CLI as an admin would and returns its exit code and what it printed. */
async function cli(argv: string[]): Promise<{ code: number; lines: string[]; ms: number }> {
  const printed: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((text: unknown) => {
    printed.push(String(text));
  });
  const started = Date.now();
  try {
    const code = await main(argv);
    return { code, lines: printed.join("\n").split("\n"), ms: Date.now() - started };
  } finally {
    log.mockRestore();
  }
}

describe("the Entra replay against an endpoint that fails Test Connection", () => {
  it("stops after the probe that answers 404 for no match, and says why in one message", async () => {
    const broken = await brokenServer();
    try {
      const report = await runReplay({ url: broken.url, token: "right", users: 2, groups: 1 });
      const text = formatReport(report);
      expect(broken.seen).toHaveLength(2);
      expect(broken.seen[0]).toMatch(
        /^GET \/scim\/v2\/broken\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/,
      );
      expect(broken.seen[1]).toMatch(
        /^GET \/scim\/v2\/broken\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22[0-9a-f-]{36}%22$/,
      );
      expect(report.ready).toBe(false);
      expect(report.stopped?.message).toContain("Test Connection would fail");
      expect(report.stopped?.message).toContain("not 404");
      expect(report.quarantine.reason).toBe("EncounteredQuarantineException");
      expect(text.split("\n")[0]).toBe("NOT READY for Entra: the replay had to stop.");
    } finally {
      await broken.close();
    }
  });

  it("stops at the first probe when the Secret Token is refused", async () => {
    const broken = await brokenServer();
    try {
      const report = await runReplay({ url: broken.url, token: "wrong", users: 1, groups: 0 });
      expect(report.stopped?.message).toContain("refused the Secret Token");
      expect(report.quarantine.explanation.join("\n")).toContain("credentials or connection");
      expect(report.exchanges.length).toBeLessThanOrEqual(2);
    } finally {
      await broken.close();
    }
  });
});

describe("the Entra replay against an endpoint that does not answer", () => {
  it("a closed port: one clear message, exit 1, well within 30 s", async () => {
    const port = await freePort();
    const { code, lines, ms } = await cli([
      "replay",
      "--url",
      `http://127.0.0.1:${port}/scim/v2/t`,
      "--token",
      "x",
    ]);
    expect(code).toBe(1);
    expect(lines[0]).toBe("NOT READY for Entra: the replay had to stop.");
    const messages = lines.filter((line) => line.includes("Test Connection would fail"));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`http://127.0.0.1:${port}/scim/v2/t/Users?filter=`);
    expect(messages[0]).toContain("could not be reached (connect ECONNREFUSED");
    expect(lines.length).toBeLessThan(15);
    expect(ms).toBeLessThan(30_000);
  });

  it("a server that never answers: one clear message after the default timeout, within 30 s", async () => {
    const silent = await silentServer();
    try {
      const { code, lines, ms } = await cli(["replay", "--url", silent.url, "--token", "x"]);
      expect(code).toBe(1);
      const messages = lines.filter((line) => line.includes("Test Connection would fail"));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain("did not answer within 15 s");
      expect(silent.seen).toHaveLength(1);
      expect(lines.length).toBeLessThan(15);
      expect(ms).toBeLessThan(30_000);
    } finally {
      await silent.close();
    }
  });

  it("a server that stops answering midway: one message naming the request, and what was found before", async () => {
    let answered = 0;
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(request.url ?? "");
      answered += 1;
      if (answered > 3) return;
      response.setHeader("Content-Type", "application/scim+json");
      const list = { totalResults: 0, Resources: [] };
      // The two probes are right; the third answer lacks the ListResponse schema.
      response.end(
        JSON.stringify(
          answered < 3 ? { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], ...list } : list,
        ),
      );
    });
    const fake = await listen(server, seen);
    try {
      const report = await runReplay({ url: fake.url, token: "x", users: 2, groups: 1, timeoutMs: 1_000 });
      expect(report.stopped?.message).toMatch(
        /^The endpoint stopped answering: GET http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/broken\/Users\?filter=.* did not answer within 1 s/,
      );
      expect(seen).toHaveLength(4);
      expect(report.problems.map((problem) => problem.title)).toEqual([
        "ListResponse carries the ListResponse schema",
      ]);
      expect(formatReport(report)).toContain("Problems found before the stop:");
    } finally {
      await fake.close();
    }
  });
});

describe("after the first request without an answer", () => {
  it("sends nothing more, though other requests in parallel were still being answered", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(request.url ?? "");
      // The two probes and then every request but the third are answered, slowly; the third never.
      if (seen.length === 3) return;
      setTimeout(() => {
        response.setHeader("Content-Type", "application/scim+json");
        response.end(
          JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            totalResults: 0,
            Resources: [],
          }),
        );
      }, 30);
    });
    const fake = await listen(server, seen);
    try {
      const report = await runReplay({
        url: fake.url,
        token: "x",
        users: 40,
        concurrency: 2,
        timeoutMs: 500,
      });
      // A request written just before the stop can reach the server a moment after the replay returns; a
      // replay still sending would go on at one request per 30 ms and show in the 600 ms after.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sentByTheEnd = seen.length;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(report.stopped?.message).toContain("did not answer within 0.5 s");
      expect(sentByTheEnd).toBeGreaterThan(4);
      expect(seen).toHaveLength(sentByTheEnd);
    } finally {
      await fake.close();
    }
  });
});
