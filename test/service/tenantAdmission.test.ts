import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

interface HeldRequest {
  readonly outgoing: ClientRequest;
  readonly answer: Promise<{ status: number; connection?: string; body: string }>;
}

/** A POST /Users whose body arrives in two parts: the second only when `finish` is called. */
function heldCreate(
  tenant: TestTenant,
  userName: string,
  token = tenant.token,
): HeldRequest & {
  finish(): void;
} {
  const body = Buffer.from(JSON.stringify({ userName }));
  const url = new URL(`${tenant.tenantUrl}/Users`);
  const outgoing = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/scim+json",
      "Content-Length": body.length,
    },
  });
  const answer = new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
    outgoing.on("response", (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({
          status: response.statusCode ?? 0,
          ...(response.headers.connection ? { connection: response.headers.connection } : {}),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    outgoing.on("error", reject);
  });
  outgoing.write(body.subarray(0, 5));
  return {
    outgoing,
    answer,
    finish: () => {
      outgoing.end(body.subarray(5));
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

/** A test host with these settings for the describe block that calls this, and the lines it logs. */
function loggedHost(settings: Record<string, string>): { host: () => TestHost; logs: string[] } {
  let harness: TestHost | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    harness = await startTestHost(settings, (_level, ...args) => {
      logs.push(args.map(String).join(" "));
    });
  });
  afterAll(() => harness?.close());
  return { host: () => harness as TestHost, logs };
}

async function usersNamed(tenant: TestTenant, userName: string): Promise<unknown> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  return (await scimClient(tenant)("GET", `/Users?filter=${filter}`)).body.totalResults;
}

/**
 * A busy and a quiet tenant, the busy one's only slot held by a create whose body has not all arrived
 * (authenticated once before, so the held request waits on its body only).
 */
async function holdingTheOnlySlot(harness: TestHost) {
  const busy = await harness.createTenant("busy");
  const quiet = await harness.createTenant("quiet");
  const concurrency = harness.services.concurrency;
  expect((await scimClient(busy)("GET", "/Users?count=0")).status).toBe(200);
  const working = heldCreate(busy, "working@x.com");
  await until(() => concurrency.load(busy.tenantId).inFlight === 1);
  return { busy, quiet, concurrency, working };
}

describe("a tenant's requests working at once, over HTTP", () => {
  const { host, logs } = loggedHost({
    THROTTLE_REQUESTS_PER_SECOND: "0",
    THROTTLE_MAX_IN_FLIGHT: "1",
    THROTTLE_MAX_QUEUED: "1",
  });

  it("caps the busy tenant's in-flight requests, queues one, refuses the next, and lets another tenant through", async () => {
    const { busy, quiet, concurrency, working } = await holdingTheOnlySlot(host());
    const queued = heldCreate(busy, "queued@x.com");
    queued.finish();
    await until(() => concurrency.load(busy.tenantId).queued === 1);
    const refused = await scimClient(busy)("POST", "/Users", { userName: "refused@x.com" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");

    // The other tenant is admitted while the busy one is at its cap, and its requests pass the queue.
    const quietScim = scimClient(quiet);
    expect((await quietScim("POST", "/Users", { userName: "q@x.com" })).status).toBe(201);
    expect((await quietScim("GET", "/Users?count=0")).body.totalResults).toBe(1);
    expect(concurrency.load(busy.tenantId)).toEqual({ inFlight: 1, queued: 1 });

    working.finish();
    expect((await working.answer).status).toBe(201);
    expect((await queued.answer).status).toBe(201);
    expect(concurrency.load(busy.tenantId)).toEqual({ inFlight: 0, queued: 0 });
    // The refused create stored nothing and made no storage call.
    expect(await usersNamed(busy, "refused@x.com")).toBe(0);
    const refusedLine = logs.find((line) => line.includes(String(refused.headers.get("x-correlation-id"))));
    expect(JSON.parse(refusedLine ?? "{}")).toMatchObject({ status: 429, storageRoundTrips: 0 });
  });
});

describe("a queued request that waits too long, over HTTP", () => {
  const { host, logs } = loggedHost({
    THROTTLE_REQUESTS_PER_SECOND: "0",
    THROTTLE_MAX_IN_FLIGHT: "1",
    THROTTLE_MAX_QUEUED: "4",
    THROTTLE_MAX_WAIT_SECONDS: "1",
  });

  it("answers 429 with Retry-After once its wait is over, and never reaches storage", async () => {
    const { busy, quiet, concurrency, working } = await holdingTheOnlySlot(host());
    // A generous bound: without the wait limit the request would wait as long as the slot is held.
    const waited = await Promise.race([
      scimClient(busy)("POST", "/Users", { userName: "waited@x.com" }),
      new Promise<never>((_resolve, reject) => {
        setTimeout(() => {
          working.outgoing.destroy();
          reject(new Error("the queued request was still waiting after 20 s"));
        }, 20_000).unref();
      }),
    ]);
    expect(waited.status).toBe(429);
    expect(waited.headers.get("retry-after")).toBe("1");
    expect(waited.body).toMatchObject({ status: "429" });
    // It left the queue: the held slot is still the tenant's only request.
    expect(concurrency.load(busy.tenantId)).toEqual({ inFlight: 1, queued: 0 });
    const waitedLine = logs.find((line) => line.includes(String(waited.headers.get("x-correlation-id"))));
    expect(JSON.parse(waitedLine ?? "{}")).toMatchObject({ status: 429, storageRoundTrips: 0 });
    // Another tenant is answered meanwhile.
    expect((await scimClient(quiet)("GET", "/Users?count=0")).status).toBe(200);

    // The held slot, once freed, goes to no one who left: the tenant is idle again, and works.
    working.finish();
    expect((await working.answer).status).toBe(201);
    expect(concurrency.load(busy.tenantId)).toEqual({ inFlight: 0, queued: 0 });
    expect(await usersNamed(busy, "waited@x.com")).toBe(0);
    const summary = await host().services.requestStats.summary(busy.tenantId);
    expect(summary.lastHour).toMatchObject({ throttled: 1, failures: 0 });
  });
});

describe("a tenant over its rate, over HTTP", () => {
  const { host, logs } = loggedHost(
    // One token in about 17 minutes: nothing refills during the test.
    { THROTTLE_REQUESTS_PER_SECOND: "0.001", THROTTLE_BURST: "2" },
  );

  const lineOf = (correlationId: string | null) =>
    JSON.parse(logs.find((line) => line.includes(String(correlationId))) ?? "{}") as Record<string, unknown>;

  it("made-up tokens take none of the tenant's rate", async () => {
    const tenant = await host().createTenant("guessed");
    for (let i = 0; i < 5; i += 1)
      expect((await scimClient({ ...tenant, token: `made-up-${String(i)}` })("GET", "/Users")).status).toBe(
        401,
      );
    const scim = scimClient(tenant);
    expect([(await scim("GET", "/Users")).status, (await scim("GET", "/Users")).status]).toEqual([200, 200]);
    expect((await scim("GET", "/Users")).status).toBe(429);
  });

  it("refuses before the token check, the body and storage once the tenant's own traffic emptied its bucket", async () => {
    const tenant = await host().createTenant("flood");
    const scim = scimClient(tenant);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await scim("GET", "/Users")).status);
    expect(statuses).toEqual([200, 200, 429]);

    // Refused before the token is looked at: a made-up one gets the same 429, and no storage call is made.
    const guessed = await scimClient({ ...tenant, token: "made-up" })("GET", "/Users");
    expect(guessed.status).toBe(429);
    expect(lineOf(guessed.headers.get("x-correlation-id"))).toMatchObject({
      status: 429,
      storageRoundTrips: 0,
    });

    // Refused before the body is read: the answer comes while most of the body is still unsent.
    const held = heldCreate(tenant, "never@x.com");
    const answer = await held.answer;
    expect(answer.status).toBe(429);
    expect(answer.connection).toBe("close");
    held.outgoing.destroy();

    const summary = await host().services.requestStats.summary(tenant.tenantId);
    expect(summary.lastHour).toMatchObject({ requests: 5, throttled: 3, failures: 0 });
    expect(summary.outlook.status).toBe("healthy");
  });
});
