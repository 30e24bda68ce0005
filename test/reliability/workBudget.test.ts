import type { LogHandler } from "@azure/functions";
import { inParallel } from "../../packages/entra-replay/src/index";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const USERS = 300;

/** Request log lines of the host, by correlation id. */
const requestLines = new Map<string, { status: number; storageRoundTrips: number }>();
const captureLogs: LogHandler = (_level, ...args) => {
  for (const arg of args) {
    if (typeof arg !== "string" || !arg.startsWith("{")) continue;
    const line = JSON.parse(arg) as {
      event?: string;
      correlationId?: string;
      status: number;
      storageRoundTrips: number;
    };
    if (line.event === "scim.request" && line.correlationId) requestLines.set(line.correlationId, line);
  }
};

describe("the work one request may cause is bounded before the work (over HTTP)", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  /** Storage round trips the host logged for the request that got `response`. */
  function roundTripsOf(response: { headers: Headers }): number {
    const line = requestLines.get(response.headers.get("x-correlation-id") ?? "");
    if (!line) throw new Error("no request log line for the response");
    return line.storageRoundTrips;
  }

  beforeAll(async () => {
    harness = await startTestHost({}, captureLogs);
    tenant = await harness.createTenant("budget");
    scim = scimClient(tenant);
    const numbers = Array.from({ length: USERS }, (_, index) => index);
    await inParallel(numbers, 8, async (index) => {
      const response = await scim("POST", "/Users", {
        userName: `user${String(index).padStart(4, "0")}@contoso.com`,
        emails: [{ value: `user${index}@contoso.com`, type: "work" }],
      });
      expect(response.status).toBe(201);
    });
    // Warm the tenant's caches, so the counts below are the query's own.
    await scim("GET", "/Users?count=1");
  }, 120_000);

  afterAll(() => harness.close());

  describe("attributes lists", () => {
    const names = Array.from({ length: 20_000 }, (_, index) => `attr${index}`);

    it("refuses 20,000 names in POST /.search with count=1000 at once, while /health answers", async () => {
      const health = (async () => {
        const started = Date.now();
        const response = await fetch(`${harness.host.origin}/health`);
        return { status: response.status, ms: Date.now() - started };
      })();
      const search = await scim("POST", "/Users/.search", {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        attributes: names,
        count: 1000,
      });
      expect(search.status).toBe(400);
      expect(search.body.scimType).toBe("invalidValue");
      expect(search.body.detail).toMatch(/at most 200/);
      expect(roundTripsOf(search)).toBe(0);
      const answered = await health;
      expect(answered.status).toBe(200);
      // Generous: the search holds the event loop for no measurable time any more.
      expect(answered.ms).toBeLessThan(5000);
    });

    it("refuses a long list through GET, by id and on POST/PUT/PATCH, before storing anything", async () => {
      // About 2,700 names fit in a URL the host accepts.
      const list = Array.from({ length: 2700 }, () => "x").join(",");
      const listed = await scim("GET", `/Users?excludedAttributes=${list}`);
      expect(listed.status).toBe(400);
      const id = (await scim("GET", "/Users?count=1")).body.Resources[0].id as string;
      expect((await scim("GET", `/Users/${id}?attributes=${list}`)).status).toBe(400);
      const created = await scim("POST", `/Users?attributes=${list}`, { userName: "never@contoso.com" });
      expect(created.status).toBe(400);
      const matched = await scim(
        "GET",
        `/Users?filter=${encodeURIComponent('userName eq "never@contoso.com"')}`,
      );
      expect(matched.body.totalResults).toBe(0);
    });

    it("still projects a whole page with a list within the limit", async () => {
      const page = await scim(
        "GET",
        "/Users?count=1000&attributes=userName,emails.value&excludedAttributes=userName",
      );
      expect(page.status).toBe(200);
      expect(page.body.Resources).toHaveLength(USERS);
      expect(Object.keys(page.body.Resources[0]).sort()).toEqual(["emails", "id", "schemas", "userName"]);
    });
  });

  describe("filters that fan out into storage", () => {
    const orOf = (term: string, times: number) => Array.from({ length: times }, () => term).join(" or ");
    const list = (filter: string) => scim("GET", `/Users?count=1000&filter=${encodeURIComponent(filter)}`);

    it("refuses 255 conditions before reading storage", async () => {
      const response = await list(orOf('emails gt ""', 255));
      expect(response.status).toBe(400);
      expect(response.body.scimType).toBe("invalidFilter");
      expect(response.body.detail).toMatch(/More than 100 conditions/);
      expect(roundTripsOf(response)).toBe(0);
    });

    it("answers a wide or of range reads with one scan, not one read per term and per match", async () => {
      const plain = await list("userName pr");
      expect(plain.body.totalResults).toBe(USERS);
      const scanCost = roundTripsOf(plain);
      const wide = await list(orOf('emails gt ""', 100));
      expect(wide.status).toBe(200);
      expect(wide.body.totalResults).toBe(USERS);
      expect(roundTripsOf(wide)).toBe(scanCost);
    });

    it('costs a lone userName gt "" at most one index page more than the plain scan', async () => {
      const plain = await list("userName pr");
      const ranged = await list('userName gt ""');
      expect(ranged.body.totalResults).toBe(USERS);
      expect(roundTripsOf(ranged)).toBeLessThanOrEqual(roundTripsOf(plain) + 1);
    });

    it("still reads a narrow range and a small union from the indexes", async () => {
      const narrow = await list('userName sw "user029"');
      expect(narrow.body.totalResults).toBe(10);
      // One index read and ten point reads, never a scan of 300 rows.
      expect(roundTripsOf(narrow)).toBe(11);
      const union = await list(
        orOf('userName eq "user0001@contoso.com"', 1) + ' or emails[value eq "user7@contoso.com"]',
      );
      expect(union.body.totalResults).toBe(2);
      expect(roundTripsOf(union)).toBe(4);
    });

    it("answers a lone surrogate in a filter value 400, not a storage fault", async () => {
      const escaped = await list('userName eq "\\ud800x"');
      expect(escaped.status).toBe(400);
      expect(escaped.body.scimType).toBe("invalidFilter");
      expect(escaped.body.detail).toMatch(/surrogate/);
    });
  });

  describe("PATCH value filters", () => {
    const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    const longPhones = Array.from({ length: 100 }, (_, index) => ({
      value: `+1 ${String(index).padStart(3, "0")} ${"5".repeat(1500)}`,
      type: "work",
    }));
    const removals = (terms: number) =>
      Array.from({ length: 57 }, () => ({
        op: "remove",
        path: `phoneNumbers[${Array.from({ length: terms }, () => 'value co "7"').join(" or ")}]`,
      }));

    it("refuses 57 removals with 235-term filters on 100 long phone numbers up front, changing nothing", async () => {
      const created = await scim("POST", "/Users", {
        userName: "phones@contoso.com",
        phoneNumbers: longPhones,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const health = fetch(`${harness.host.origin}/health`).then((response) => response.status);
      for (const terms of [235, 100]) {
        const patched = await scim("PATCH", `/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: removals(terms),
        });
        expect(patched.status).toBe(400);
        expect(patched.body.detail).toMatch(terms === 235 ? /filter-term limit/ : /value-filter limit/);
      }
      expect(await health).toBe(200);
      const after = await scim("GET", `/Users/${id}`);
      expect(after.body.meta.version).toBe(created.body.meta.version);
      expect(after.body.phoneNumbers).toEqual(longPhones);
    });
  });
});
