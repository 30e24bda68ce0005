import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runReplay } from "../../../packages/entra-replay/src/replay";
import type { Report } from "../../../packages/entra-replay/src/report";
import { formatReport, jsonReport } from "../../../packages/entra-replay/src/reportText";
import { startRfcScimServer, type RfcScimServer } from "../../support/rfcScim/server";

jest.setTimeout(120_000);

const SAMPLE = join(__dirname, "../../../docs/entra-replay-sample-report.txt");

/** The volatile parts of a report (ids, ports, timings) replaced, so the sample can be compared. */
function stable(text: string, run: string): string {
  return text
    .replace(new RegExp(run, "gi"), "<run>")
    .replace(/<run>-(\d+)-[0-9a-f]{8}/g, "<run>-$1-<random>")
    .replace(/[0-9a-f]{8}-[0-9a-f-]{0,27}…/g, "<uuid>…")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/W\/\\"<uuid>\\"/g, 'W/\\"<version>\\"')
    .replace(/Requests: .*$/m, "Requests: <count, duration, statuses and latencies of the run>");
}

describe("the replay against a plain RFC 7644 server (no Entra handling)", () => {
  let server: RfcScimServer;
  let report: Report;

  beforeAll(async () => {
    server = await startRfcScimServer("rfc-secret");
    report = await runReplay({ url: server.tenantUrl, token: "rfc-secret", users: 4, groups: 2 });
  });

  afterAll(async () => {
    await server.close();
  });

  it("says not ready, with the number of distinct problems", () => {
    expect(report.ready).toBe(false);
    expect(formatReport(report).split("\n")[0]).toBe(
      `NOT READY for Entra: ${report.problems.length} problems (${report.problems.filter((p) => !p.silent).length} fail loudly, ${report.problems.filter((p) => p.silent).length} fail silently).`,
    );
  });

  it("finds each behaviour an RFC-only server gets wrong for Entra, once, with consequence, evidence and fix", () => {
    const byId = new Map(report.problems.map((problem) => [problem.id, problem]));
    for (const id of [
      "addMissingElement",
      "userNameCaseUniqueness",
      "legacyManagerCheck",
      "memberDuplicated",
      "deletedMemberLeft",
      "stringBoolean",
      "managerForm",
      "memberRemoval",
      "pathlessDottedKeys",
      "groupNameUniqueness",
    ]) {
      const problem = byId.get(id);
      expect({ id, found: problem !== undefined }).toEqual({ id, found: true });
      expect(problem?.consequence).not.toBe("");
      expect(problem?.fix).not.toBe("");
      expect(problem?.evidence?.status).toBeGreaterThan(0);
    }
    expect(byId.get("addMissingElement")?.dialects).toEqual(["default", "aadOptscim062020"]);
    expect(byId.get("memberDuplicated")?.dialects).toEqual(["default", "aadOptscim062020"]);
    expect(byId.get("stringBoolean")?.silent).toBe(false);
    for (const silent of [
      "userNameCaseUniqueness",
      "legacyManagerCheck",
      "memberDuplicated",
      "deletedMemberLeft",
    ])
      expect({ silent, flag: byId.get(silent)?.silent }).toEqual({ silent, flag: true });
    const ids = report.problems.map((problem) => problem.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("reports Microsoft's gallery tests by name, failing the ones this server fails", () => {
    const result = (name: string) => report.gallery.find((test) => test.name === name)?.result;
    expect(report.gallery).toHaveLength(25);
    expect(result("Disable_User_Test")).toBe("FAILED");
    expect(result("Group_Update_Remove_Member_Test")).toBe("FAILED");
    expect(result("Create_User_Test")).toBe("PASSED");
    expect(result("SCIM_User_Pagination_Test")).toBe("PASSED");
  });

  it("names silent and loud failures apart and says whose traffic the percentage is", () => {
    const text = formatReport(report);
    expect(text).toContain("from the replay's own");
    expect(text).toMatch(
      /Fail loudly \(errors in Entra's provisioning log, counted toward quarantine\): problems \d/,
    );
    expect(text).toMatch(/Fail silently \(no error, wrong result in the app\): problems \d/);
  });

  it("keeps the full log: --verbose lists every check and request, --json every request with its bodies", () => {
    const verbose = formatReport(report, true).split("\n");
    const requestLines = verbose.filter((line) => /^\s+\d+ (GET|POST|PATCH|PUT|DELETE) \//.test(line));
    expect(requestLines).toHaveLength(report.requests.total);
    expect(verbose.filter((line) => /^(PASS|FAIL|SKIP) +\d+\. /.test(line))).toHaveLength(
      report.steps.length,
    );
    const json = JSON.parse(jsonReport(report)) as { exchanges: unknown[]; problems: unknown[] };
    expect(json.exchanges).toHaveLength(report.requests.total);
    expect(json.problems).toHaveLength(report.problems.length);
    expect(formatReport(report).split("\n").length).toBeLessThan(verbose.length / 5);
  });

  it("keeps docs/entra-replay-sample-report.txt current (UPDATE_SAMPLE=1 rewrites it)", () => {
    const sample = stable(formatReport(report), report.run);
    if (process.env.UPDATE_SAMPLE === "1") writeFileSync(SAMPLE, `${sample}\n`);
    expect(readFileSync(SAMPLE, "utf8").trimEnd()).toBe(sample);
    const readme = readFileSync(join(__dirname, "../../../packages/entra-replay/README.md"), "utf8");
    expect(readme).toContain(sample.split("\n")[0]);
  });
});
