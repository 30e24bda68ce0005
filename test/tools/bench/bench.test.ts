import { formatBench, targetChecks } from "../../../tools/bench/report";
import { QUICK, runBench, type BenchReport } from "../../../tools/bench/run";
import { parseCommand } from "../../../tools/bench/cli";

/**
 * The reduced bench CI runs: tiny sizes against the Azurite jest started. It fails only on
 * broken round-trip counts and on errors (non-2xx, failed replay checks), never on time.
 */
describe("npm run bench, reduced", () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({
      ...QUICK,
      sections: ["operations", "cycle", "growth"],
      concurrencies: [1, 8],
      requests: 16,
      warmup: 4,
      workingUsers: 16,
      groups: 2,
      growth: { smallUsers: 20, largeUsers: 200, requests: 8 },
      cycle: { users: 20, groups: 2, concurrency: 4 },
      storageConnectionString: process.env.STORAGE_CONNECTION_STRING ?? "",
    });
  }, 120_000);

  it("measures every operation on both sides at every concurrency", () => {
    expect(report.operations.map((operation) => operation.name)).toEqual([
      "create user",
      "match userName",
      "GET user by id",
      "list page",
      "PUT user",
      "PATCH default dialect",
      "PATCH aadOptscim062020",
      "disable user",
      "add one member",
      "DELETE user",
    ]);
    for (const operation of report.operations) {
      expect(operation.runs.map((run) => run.concurrency)).toEqual([1, 8]);
      for (const run of operation.runs) {
        expect(run.scim.count).toBeGreaterThan(0);
        expect(run.raw.count).toBeGreaterThan(0);
      }
      // Every SCIM request's log line was found, so its round trips were counted.
      const timed = operation.runs.reduce((sum, run) => sum + run.scim.count, 0);
      expect(operation.roundTrips.requests).toBe(timed);
    }
  });

  it("keeps every round-trip count within its target", () => {
    const broken = targetChecks(report).filter((check) => check.kind === "roundTrips" && !check.met);
    expect(broken).toEqual([]);
    const trips = Object.fromEntries(
      report.operations.map((operation) => [operation.name, operation.roundTrips.max]),
    );
    expect(trips).toMatchObject({
      "create user": 1,
      "GET user by id": 1,
      "list page": 1,
    });
    // A user never in a group: the read and one transaction, no membership sweep.
    expect(trips["DELETE user"]).toBeLessThanOrEqual(2);
    expect(trips["match userName"]).toBeLessThanOrEqual(2);
    expect(trips["add one member"]).toBeLessThanOrEqual(2);
  });

  it("peels every operation layer by layer at the top concurrency, each layer answering, each against the raw calls", () => {
    for (const operation of report.operations) {
      const [low, top] = operation.runs;
      expect(low?.layers).toBeUndefined();
      expect(top?.layers?.map((layer) => layer.layer)).toEqual([
        "raw",
        "raw over HTTP",
        "service over HTTP",
        "SCIM",
      ]);
      for (const layer of top?.layers ?? []) {
        expect(layer.result.concurrency).toBe(8);
        expect(layer.result.count).toBeGreaterThan(0);
        expect(layer.result.errors).toBe(0);
        expect(layer.result.processCpuUsPerOp).toBeGreaterThan(0);
        expect(layer.ratio).toBeGreaterThan(0);
      }
      expect(top?.layers?.[0]?.ratio).toBe(1);
      expect(top?.layers?.[1]?.overHttp).toBe(1);
    }
    const text = formatBench(report);
    expect(text).toContain("Layer by layer (concurrency 8");
    const names = targetChecks(report).map((check) => check.name);
    expect(names).toContain("DELETE user: SCIM/raw-over-HTTP CPU per request at concurrency 8");
    expect(names).toContain("DELETE user: SCIM/raw-over-HTTP throughput at concurrency 8");
    expect(names).toContain("DELETE user: SCIM/raw-over-HTTP throughput at concurrency 8 (its own target)");
  });

  it("sees no errors: every response 2xx, every replay check passed, nothing logged as an error", () => {
    const errors = targetChecks(report).filter((check) => check.kind === "errors" && !check.met);
    expect(errors).toEqual([]);
    expect(report.initialCycle?.requests.total).toBeGreaterThan(0);
  });

  it("prints a table with the ratio and the targets", () => {
    const text = formatBench(report);
    expect(text).toContain("SCIM/raw");
    expect(text).toContain("Targets:");
    expect(text).toContain("Initial cycle: 20 users");
  });
});

describe("npm run bench, noisy neighbour section, reduced", () => {
  it("measures tenant B alone and under tenant A's hostile shapes, and reports both", async () => {
    const report = await runBench({
      ...QUICK,
      sections: ["noisyNeighbour"],
      noisyNeighbour: {
        requests: 40,
        concurrency: 4,
        attackers: 2,
        rounds: 1,
        users: 30,
        uploadBytes: 8 * 1024 * 1024,
      },
      storageConnectionString: process.env.STORAGE_CONNECTION_STRING ?? "",
    });
    const result = report.noisyNeighbour;
    expect(report.sectionFailures).toEqual([]);
    expect(result?.alone).toMatchObject({ count: 40, errors: 0 });
    expect(result?.underAttack).toMatchObject({ count: 40, errors: 0 });
    expect(result?.p99Ratio).toBeGreaterThan(0);
    expect(result?.shapes.map((shape) => shape.name)).toHaveLength(6);
    for (const shape of result?.shapes ?? []) {
      expect(shape.sent).toBeGreaterThan(0);
      // Every hostile request is answered with a client error (or, for a stream, the connection closed), never a 5xx.
      for (const status of Object.keys(shape.byStatus)) expect(Number(status)).toBeLessThan(500);
    }
    const checks = targetChecks(report).map((check) => check.name);
    expect(checks).toContain("noisy neighbour: tenant B's p99 under attack / alone");
    expect(formatBench(report)).toContain("Noisy neighbour: tenant B reads users by id");
  }, 120_000);
});

describe("npm run bench, Account Discovery and throttling sections, reduced", () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({
      ...QUICK,
      sections: ["discovery", "throttle"],
      discovery: { users: 450, pageSize: 40 },
      throttle: {
        seconds: 2,
        rounds: 1,
        quietRate: 10,
        floodRate: 150,
        entraConcurrency: 8,
        // A queue shorter than the job: it is paced, and past the queue refused and paused.
        limit: { ratePerSecond: 20, burst: 5, maxInFlight: 4, maxQueued: 2, maxWaitMs: 5000 },
      },
      storageConnectionString: process.env.STORAGE_CONNECTION_STRING ?? "",
    });
  }, 120_000);

  it("walks every user once both ways, reading about one row per user", () => {
    expect(report.discovery?.walks.map((walk) => walk.mode)).toEqual(["startIndex", "cursor"]);
    for (const walk of report.discovery?.walks ?? []) {
      expect([walk.returned, walk.distinct, walk.errors]).toEqual([450, 450, 0]);
      expect(walk.rowsRead).toBeLessThanOrEqual(1.1 * 450);
      expect(walk.maxPageRows).toBeLessThanOrEqual(40 + 2);
      expect(walk.points.map((point) => point.label)).toEqual(["first", "second", "middle", "last"]);
    }
    // The first walk counts every key once; the count is kept, so the second walk and a first page read none.
    expect(report.discovery?.walks.map((walk) => walk.keysRead)).toEqual([450, 0]);
    expect(report.discovery?.keptCountFirstPage).toMatchObject({ keys: 0, rows: 40 + 2 });
    const broken = targetChecks(report).filter(
      (check) => check.kind !== "ratio" && check.kind !== "time" && !check.met,
    );
    expect(broken).toEqual([]);
  });

  it("answers the flooding tenant 429 and the quiet one 200, and reports both p99s", () => {
    const [alone, besideEntra, besideHostile, unthrottled] = report.throttle?.phases ?? [];
    expect(alone?.quiet.count).toBeGreaterThan(0);
    // The Entra-shaped job, more at once than its queue, is refused past it, pauses for each
    // Retry-After, and every 429 carried one; both shapes are held to the rate.
    expect(besideEntra?.flood?.byStatus["429"]).toBeGreaterThan(0);
    expect(besideEntra?.flood?.pauses).toBeGreaterThan(0);
    expect(besideEntra?.flood?.badRetryAfter).toBe(0);
    expect(besideHostile?.flood?.byStatus["429"]).toBeGreaterThan(0);
    expect(unthrottled?.flood?.byStatus["429"]).toBeUndefined();
    expect(
      targetChecks(report).find((check) => check.name.startsWith("throttle: tenant A held to its rate"))?.met,
    ).toBe(true);
    // The CPU per refusal was measured in each run, the endpoint's and the fixed answer's.
    expect(report.throttle?.refusalCpuUs.endpoint).toHaveLength(3);
    expect(report.throttle?.refusalCpuUs.floor.every((us) => us > 0)).toBe(true);
    expect(report.throttle?.phases.every((phase) => phase.quiet.errors === 0)).toBe(true);
    expect(formatBench(report)).toContain("Throttling: tenant B");
    expect(formatBench(report)).toContain("Account Discovery: 450 users");
  });
});

describe("bench command line", () => {
  it("scales down with --quick, --users, --groups and --requests", () => {
    const command = parseCommand(["--quick", "--users", "50", "--groups", "5", "--requests", "10", "--json"]);
    expect(command?.json).toBe(true);
    expect(command?.options.requests).toBe(10);
    expect(command?.options.cycle).toMatchObject({ users: 50, groups: 5 });
    expect(command?.options.growth.largeUsers).toBe(QUICK.growth.largeUsers);
  });

  it("takes --profile with the directory the .cpuprofile files go to, and profiles nothing without it", () => {
    expect(parseCommand(["--only", "operations", "--profile", "/tmp/prof"])?.options.profileDirectory).toBe(
      "/tmp/prof",
    );
    expect(parseCommand(["--only", "operations"])?.options.profileDirectory).toBeUndefined();
  });

  it("takes --duration instead of a request count, and rejects both at once", () => {
    expect(parseCommand(["--duration", "2000"])?.options).toMatchObject({ durationMs: 2000 });
    expect(parseCommand(["--duration", "2000"])?.options.requests).toBeUndefined();
    expect(() => parseCommand(["--duration", "1", "--requests", "1"])).toThrow(/not both/);
    expect(() => parseCommand(["--only", "nothing"])).toThrow(/unknown section/);
    expect(parseCommand(["--discovery-users", "500", "--discovery-page", "5000"])?.options.discovery).toEqual(
      {
        users: 500,
        pageSize: 1000,
      },
    );
  });
});
