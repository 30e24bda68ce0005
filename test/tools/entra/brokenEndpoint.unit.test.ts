import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runReplay } from "../../../tools/entra/replay";
import { formatReport } from "../../../tools/entra/reportText";

/** A SCIM endpoint with two classic faults (§13.1 and §13.9): 404 for "no match", lowercase resources. */
function brokenServer(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
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
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/scim/v2/broken`,
        seen,
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

describe("the Entra replay against a broken endpoint", () => {
  it("fails the probe, says why, and forecasts immediate quarantine", async () => {
    const broken = await brokenServer();
    try {
      const report = await runReplay({ url: broken.url, token: "right", users: 2, groups: 1 });
      const text = formatReport(report);
      expect(report.failed).toBeGreaterThan(0);
      expect(broken.seen[0]).toMatch(
        /^GET \/scim\/v2\/broken\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/,
      );
      expect(broken.seen[1]).toMatch(
        /^GET \/scim\/v2\/broken\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22[0-9a-f-]{36}%22$/,
      );
      const probe = report.steps[0]!;
      expect(probe.checks.some((check) => !check.ok && check.name === "GET /Users?filter → 200")).toBe(true);
      expect(report.quarantine.quarantined).toBe(true);
      expect(report.quarantine.reason).toBe("EncounteredQuarantineException");
      expect(text).toContain("QUARANTINED");
      expect(text).toContain("404 instead of 200");
      expect(text.split("\n").at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed$/);
    } finally {
      await broken.close();
    }
  });

  it("flags a wrong Secret Token as a credential quarantine", async () => {
    const broken = await brokenServer();
    try {
      const report = await runReplay({ url: broken.url, token: "wrong", users: 1, groups: 0 });
      expect(report.failed).toBeGreaterThan(0);
      expect(report.quarantine.verdict).toContain("QUARANTINED");
      expect(report.quarantine.explanation.join("\n")).toContain("credentials or connection");
    } finally {
      await broken.close();
    }
  });
});
