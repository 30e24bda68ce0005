import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_RETRY, retryAfterMs, ScimClient } from "../../../packages/entra-replay/src/client";
import { forecastQuarantine, quarantineInput } from "../../../packages/entra-replay/src/quarantine";
import { requestStats } from "../../../packages/entra-replay/src/report";
import { formatReport } from "../../../packages/entra-replay/src/reportText";
import type { Report } from "../../../packages/entra-replay/src/report";

/** A SCIM endpoint that answers 429 to the first `throttle` requests, with the given Retry-After. */
async function throttlingServer(throttle: number, retryAfter: string | undefined) {
  const arrivals: number[] = [];
  const server: Server = createServer((_request, response) => {
    arrivals.push(performance.now());
    if (arrivals.length <= throttle) {
      response.writeHead(429, {
        "Content-Type": "application/scim+json",
        ...(retryAfter === undefined ? {} : { "Retry-After": retryAfter }),
      });
      response.end(
        JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" }),
      );
      return;
    }
    response.writeHead(200, { "Content-Type": "application/scim+json" });
    response.end(JSON.stringify({ totalResults: 0, Resources: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

describe("the replay client honours 429 answers", () => {
  it("waits the Retry-After, retries, and records the one answer that counts", async () => {
    const server = await throttlingServer(2, "1");
    try {
      const client = new ScimClient({ url: server.url, token: "t" });
      const exchange = await client.get("/Users?filter=x");
      expect(exchange.status).toBe(200);
      expect(server.arrivals).toHaveLength(3);
      expect(client.exchanges.map((e) => e.status)).toEqual([200]);
      expect(client.throttled).toEqual([
        { method: "GET", path: "/Users?filter=x", waitedMs: 1000 },
        { method: "GET", path: "/Users?filter=x", waitedMs: 1000 },
      ]);
      // The retry came after the wait (a generous lower bound; timers never fire early by much).
      expect(server.arrivals[1]! - server.arrivals[0]!).toBeGreaterThan(900);
    } finally {
      await server.close();
    }
  });

  it("waits no longer than its bound, whatever the server asks for", async () => {
    const server = await throttlingServer(1, "3600");
    try {
      const retry = { ...DEFAULT_RETRY, maxWaitMs: 50 };
      const client = new ScimClient({ url: server.url, token: "t", retry });
      expect((await client.get("/Groups")).status).toBe(200);
      expect(client.throttled.map((t) => t.waitedMs)).toEqual([50]);
    } finally {
      await server.close();
    }
  });

  it("gives up after its retries and reports the last 429 as the answer", async () => {
    const server = await throttlingServer(100, "0");
    try {
      const client = new ScimClient({
        url: server.url,
        token: "t",
        retry: { ...DEFAULT_RETRY, maxRetries: 3 },
      });
      expect((await client.get("/Users")).status).toBe(429);
      expect(server.arrivals).toHaveLength(4);
      expect(client.throttled).toHaveLength(3);
      expect(client.exchanges.map((e) => e.status)).toEqual([429]);
    } finally {
      await server.close();
    }
  });

  it("reads Retry-After as seconds or an HTTP date, and falls back without one", () => {
    const policy = { maxWaitMs: 30_000, maxRetries: 5, defaultWaitMs: 1_000 };
    const now = Date.parse("2026-11-29T12:00:00Z");
    expect(retryAfterMs("2", policy, now)).toBe(2000);
    expect(retryAfterMs(" 0 ", policy, now)).toBe(0);
    expect(retryAfterMs("Sun, 29 Nov 2026 12:00:05 GMT", policy, now)).toBe(5000);
    expect(retryAfterMs("Sun, 29 Nov 2026 11:00:00 GMT", policy, now)).toBe(0);
    expect(retryAfterMs("120", policy, now)).toBe(30_000);
    expect(retryAfterMs(null, policy, now)).toBe(1000);
    expect(retryAfterMs("soon", policy, now)).toBe(1000);
  });

  it("counts throttled requests in the report, as back-pressure rather than failures", () => {
    const stats = requestStats([], 1000, [
      { method: "GET", path: "/Users", waitedMs: 1000 },
      { method: "POST", path: "/Users", waitedMs: 500 },
    ]);
    expect(stats.throttled).toEqual({ requests: 2, waitedMs: 1500 });
    expect(stats.total).toBe(0);
    const text = formatReport({
      target: "http://127.0.0.1/scim/v2",
      settings: {
        dialect: "both",
        users: 1,
        groups: 0,
        concurrency: 1,
        keep: false,
        suite: "all",
        timeoutMs: 1,
      },
      startedAt: new Date(0).toISOString(),
      run: "r",
      durationMs: 1000,
      ready: true,
      notes: [],
      problems: [],
      gallery: [],
      steps: [],
      exchanges: [],
      passed: 0,
      failed: 0,
      requests: stats,
      quarantine: forecastQuarantine(quarantineInput([], new Set())),
    } satisfies Report);
    expect(text).toContain("Throttled: 2 answers were 429");
    expect(text).toContain("1.5 s waited in all");
  });
});
