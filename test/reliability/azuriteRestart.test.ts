import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runReplay, type Report } from "../../packages/entra-replay/src/index";
import { freePort } from "../../tools/freePort";
import { createRoutes } from "../../src/http/routes";
import { startLocalHost, type LocalHost } from "../../tools/localHost";
import { stopBackgroundWork, type AppServices } from "../../src/app/composition";
import { createTestServices, scimClient, type TestTenant } from "../support/testServices";
import { directorySnapshot, directResources, expectConsistent } from "./support/harness";
import { AzuriteProcess } from "./support/azuriteProcess";
import { RetryingFront, type Outcome } from "./support/retryingFront";

/** The replay's run id is random: it and the random parts of externalIds are masked before comparing. */
function normaliser(snapshotText: string): (text: string) => string {
  const run = /replay\.([0-9a-f]{8})\./.exec(snapshotText)?.[1] ?? "no-run";
  return (text) =>
    text
      .replace(new RegExp(run, "gi"), "RUN")
      .replace(/RUN-(\d+)-[0-9a-f]{8}/g, "RUN-$1-X")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UUID");
}

/** The requests and final statuses of a run, as a sorted list with run-specific parts masked. */
function answers(outcomes: readonly Outcome[], tenant: TestTenant): string[] {
  const all = outcomes.map((outcome) => `${outcome.method} ${outcome.path} ${outcome.status}`).join("\n");
  const mask = normaliser(decodeURIComponent(all.replaceAll("+", " ")));
  return mask(decodeURIComponent(all.replaceAll("+", " ")).replaceAll(tenant.tenantId, "TENANT"))
    .split("\n")
    .sort();
}

function failedChecks(report: Report): string[] {
  return report.steps.flatMap((step) =>
    step.checks
      .filter((check) => !check.ok)
      .map((check) => `${step.name}: ${check.name} ${check.detail ?? ""}`),
  );
}

/**
 * A real Azurite process (files in a temp dir, so data survives) is stopped during the
 * replayed initial cycle and started again. Entra retries what failed; the result must equal a run
 * without the fault.
 */
describe("Azurite stopped and restarted during Entra's initial cycle", () => {
  let folder: string;
  let azurite: AzuriteProcess;
  let services: AppServices;
  let host: LocalHost;
  let front: RetryingFront;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "scim-restart-"));
    azurite = new AzuriteProcess(await freePort(), folder);
    await azurite.start();
    services = await createTestServices({
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_TIMEOUT_SECONDS: "3",
    });
    host = await startLocalHost(0, createRoutes(services), (level, ...args) => {
      // An unexpected error would be a 500: show it.
      if (level === "error") console.error(...args);
    });
    front = await RetryingFront.start(host.origin);
  });

  afterAll(async () => {
    stopBackgroundWork(services);
    await front.close();
    await host.close();
    await azurite.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  async function createTenant(prefix: string): Promise<TestTenant> {
    const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const token = await services.tenants.create(tenantId);
    return { tenantId, token, tenantUrl: `${host.origin}/scim/v2/${tenantId}` };
  }

  function replay(tenant: TestTenant): Promise<Report> {
    return runReplay({
      url: `${front.origin}/scim/v2/${tenant.tenantId}`,
      token: tenant.token,
      users: 6,
      groups: 2,
      concurrency: 2,
      keep: true,
      timeoutMs: 60_000,
      suite: "entra",
    });
  }

  it("answers 503 with Retry-After while storage is down and ends with the data of a fault-free run", async () => {
    const calm = await createTenant("calm");
    const calmOutcome = front.outcomes.length;
    const calmReport = await replay(calm);
    const calmEnd = front.outcomes.length;
    expect(failedChecks(calmReport)).toEqual([]);

    const bounced = await createTenant("bounce");
    // Warm the credential cache as Entra's Test Connection would (a storage outage keeps known tokens valid).
    expect((await scimClient(bounced)("GET", "/Users?count=1")).status).toBe(200);
    const firstAttempt = front.attempts.length;
    const firstOutcome = front.outcomes.length;
    let bounce: Promise<void> | undefined;
    let outage503s = 0;
    let seen = 0;
    front.onRequest = () => {
      // Part-way through the creates of the initial cycle (counted in requests, not time).
      seen += 1;
      if (seen !== 12) return;
      bounce = (async () => {
        await azurite.stop();
        const before = front.attempts.filter((a) => a.status === 503).length;
        // Down until the connector has answered at least three requests with 503, then back on the same port.
        for (let waited = 0; waited < 300; waited += 1) {
          outage503s = front.attempts.filter((a) => a.status === 503).length - before;
          if (outage503s >= 3) break;
          await sleep(100);
        }
        await azurite.start();
      })();
    };
    const bouncedReport = await replay(bounced);
    await bounce;
    front.onRequest = () => undefined;

    expect(bounce).toBeDefined();
    expect(outage503s).toBeGreaterThanOrEqual(3);
    const attempts = front.attempts.slice(firstAttempt);
    const unavailable = attempts.filter((attempt) => attempt.status === 503);
    expect(unavailable.length).toBeGreaterThanOrEqual(3);
    expect(unavailable.filter((attempt) => attempt.retryAfter === undefined)).toEqual([]);
    // Nothing but 503 for the fault (never a 500), and, once retried, every request got the answer it
    // got in the fault-free run: no 401, 404 or 409 that the calm run did not have.
    expect(attempts.filter((attempt) => attempt.status !== 503 && attempt.status >= 500)).toEqual([]);
    const retried = front.outcomes.slice(firstOutcome).filter((outcome) => outcome.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(answers(front.outcomes.slice(firstOutcome), bounced)).toEqual(
      answers(front.outcomes.slice(calmOutcome, calmEnd), calm),
    );
    // Entra's checks all pass once the retried requests got through.
    expect(failedChecks(bouncedReport)).toEqual([]);

    const calmSnapshot = await directorySnapshot(scimClient(calm));
    const bouncedSnapshot = await directorySnapshot(scimClient(bounced));
    const calmText = normaliser(JSON.stringify(calmSnapshot));
    const bouncedText = normaliser(JSON.stringify(bouncedSnapshot));
    expect(JSON.parse(bouncedText(JSON.stringify(bouncedSnapshot)))).toEqual(
      JSON.parse(calmText(JSON.stringify(calmSnapshot))),
    );
    expect(bouncedSnapshot.users.length).toBeGreaterThan(0);
    const direct = directResources(services, azurite.connectionString);
    await expectConsistent(direct, calm.tenantId);
    await expectConsistent(direct, bounced.tenantId);
  }, 120_000);
});
