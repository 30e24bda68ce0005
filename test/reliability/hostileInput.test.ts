import fc from "fast-check";
import type { TableClient } from "@azure/data-tables";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { directResources, expectConsistent, type Scim } from "./support/harness";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Strings a hostile client sends: odd Unicode (lone surrogates, RTL, NUL, emoji), SCIM syntax, keys of Object.prototype. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "\ud800",
    "\udfff",
    "a\u0000b",
    "\u202e\u0041",
    "😀",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    '"',
    "\\",
    "[",
    "]",
    "(",
    ")",
    "%",
    "%00",
    "..",
    "/",
    "x".repeat(5000),
  ),
);

const attributePaths = fc.oneof(
  fc.constantFrom(
    "userName",
    "displayName",
    "active",
    "emails",
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    "name.givenName",
    "name",
    'addresses[type eq "work"].streetAddress',
    'phoneNumbers[type eq "mobile"].value',
    "externalId",
    "id",
    "meta.created",
    "groups",
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:department`,
    "members",
    'members[value eq "x"]',
    "__proto__",
    "constructor.prototype",
    "__proto__.polluted",
    "emails[__proto__ eq 1]",
    "",
  ),
  nasty,
);

/** JSON with hostile keys (own properties named __proto__ survive JSON.parse), nesting and odd values. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(nasty, fc.constantFrom("__proto__", "constructor", "value", "type", "primary")),
      tie("value"),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

const operation = fc.record(
  {
    op: fc.oneof(fc.constantFrom("add", "replace", "remove", "Add", "Replace", "Remove", "copy"), nasty),
    path: attributePaths,
    value: hostileJson,
  },
  { requiredKeys: ["op"] },
);

/** A JSON text in which `__proto__` is an own key (JSON.stringify of an object literal would drop it). */
function withProtoKey(body: unknown): string {
  return JSON.stringify(body).replace(
    /^\{/,
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},',
  );
}

/** encodeURIComponent, except that a lone surrogate goes out as the bytes Node would send (EF BF BD). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  }
}

function stripMeta(resource: any) {
  const { meta: _meta, ...rest } = resource;
  return rest;
}

/** Hostile input over HTTP against the local host (docs/reliability.md). */
describe("hostile input, fuzzed over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: Scim;
  let direct: TableClient;
  let userId: string;
  let groupId: string;
  let maxCpuMs = 0;

  /** Sends and records the CPU the process (host and client) spent on the request. */
  async function timed(...args: Parameters<Scim>) {
    const cpu = process.cpuUsage();
    const response = await scim(...args);
    const used = process.cpuUsage(cpu);
    maxCpuMs = Math.max(maxCpuMs, (used.user + used.system) / 1000);
    return response;
  }

  beforeAll(async () => {
    harness = await startTestHost();
    direct = directResources(harness.services);
    tenant = await harness.createTenant("fuzz");
    scim = scimClient(tenant);
    userId = (
      await scim("POST", "/Users", {
        userName: "target@x.com",
        emails: [{ value: "target@x.com", type: "work" }],
        [ENTERPRISE]: { department: "Fuzz" },
      })
    ).body.id;
    groupId = (await scim("POST", "/Groups", { displayName: "Fuzzed", members: [{ value: userId }] })).body
      .id;
  });

  afterAll(async () => {
    await expectConsistent(direct, tenant.tenantId);
    // The host runs in this process: nothing may have reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A backtracking regex or a quadratic walk over these inputs costs minutes of CPU; an honest
    // request costs milliseconds, stretched at most a few times on a loaded shared machine.
    expect(maxCpuMs).toBeLessThan(5000);
    await harness.close();
  });

  it("never answers 5xx to a fuzzed filter, and 400 invalidFilter to a bad one", async () => {
    const token = fc.oneof(
      attributePaths,
      fc.constantFrom(
        " eq ",
        " ne ",
        " co ",
        " sw ",
        " pr",
        " gt ",
        " and ",
        " or ",
        "not (",
        "(",
        ")",
        "[",
        "]",
        '"a"',
        "true",
        "null",
        "1.5e3",
      ),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 12 }), async (parts) => {
        const filter = parts.join("");
        for (const endpoint of ["/Users", "/Groups"]) {
          const response = await timed("GET", `${endpoint}?filter=${encode(filter)}`);
          expect([200, 400]).toContain(response.status);
          if (response.status === 400)
            expect(response.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("never answers 5xx to a fuzzed PATCH, and changes nothing when it answers 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (operations, proto) => {
          for (const [endpoint, id] of [
            ["/Users", userId],
            ["/Groups", groupId],
          ] as const) {
            const before = await scim("GET", `${endpoint}/${id}`);
            const body = { schemas: [PATCH_OP], Operations: operations };
            const response = await timed("PATCH", `${endpoint}/${id}`, proto ? withProtoKey(body) : body);
            expect(response.status).toBeLessThan(500);
            if (response.status >= 400) {
              const after = await scim("GET", `${endpoint}/${id}`);
              expect(after.status).toBe(200);
              expect(stripMeta(after.body)).toEqual(stripMeta(before.body));
              expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    await expectConsistent(direct, tenant.tenantId);
  });

  it("never answers 5xx to a fuzzed create or replace, and creates nothing on 4xx", async () => {
    const body = fc.dictionary(
      fc.oneof(
        attributePaths,
        fc.constantFrom("schemas", "userName", "displayName", "members", "emails", "id"),
      ),
      hostileJson,
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), fc.boolean(), async (resource, proto, withName) => {
        const sent = withName
          ? { userName: `fuzz${Math.random()}@x.com`, displayName: "F", ...resource }
          : resource;
        const countBefore = (await scim("GET", "/Users?count=0")).body.totalResults;
        const created = await timed("POST", "/Users", proto ? withProtoKey(sent) : sent);
        expect(created.status).toBeLessThan(500);
        if (created.status >= 400)
          expect((await scim("GET", "/Users?count=0")).body.totalResults).toBe(countBefore);
        else if (created.status === 201) await scim("DELETE", `/Users/${created.body.id}`);
        const before = await scim("GET", `/Groups/${groupId}`);
        const replaced = await timed("PUT", `/Groups/${groupId}`, proto ? withProtoKey(resource) : resource);
        expect(replaced.status).toBeLessThan(500);
        if (replaced.status >= 400) {
          expect(stripMeta((await scim("GET", `/Groups/${groupId}`)).body)).toEqual(stripMeta(before.body));
        } else {
          await scim("PUT", `/Groups/${groupId}`, { displayName: "Fuzzed", members: [{ value: userId }] });
        }
      }),
      { numRuns: RUNS },
    );
    await expectConsistent(direct, tenant.tenantId);
  });

  it("never answers 5xx to fuzzed query strings, ids, methods and headers", async () => {
    const headerValue = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("", "*", 'W/"x"', "application/json", "text/plain", "Bearer", "Basic Og=="),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom("filter", "attributes", "excludedAttributes", "startIndex", "count", "sortBy", "x"),
          nasty,
          { maxKeys: 4 },
        ),
        fc.oneof(fc.constant(userId), nasty),
        fc.constantFrom("GET", "PATCH", "PUT", "DELETE", "POST"),
        fc.dictionary(
          fc.constantFrom("Content-Type", "If-Match", "Accept", "X-Correlation-Id", "Content-Encoding"),
          headerValue,
          { maxKeys: 3 },
        ),
        async (query, id, chosen, headers) => {
          // A DELETE of the target user without a precondition rightly succeeds: keep it for odd ids.
          const method = chosen === "DELETE" && id === userId ? "GET" : chosen;
          const params = new URLSearchParams(query).toString();
          const path = `/Users/${encode(id)}${params ? `?${params}` : ""}`;
          const safeHeaders = Object.fromEntries(
            Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, "")]),
          );
          const mutating = method !== "GET" && id === userId;
          const before = mutating ? await scim("GET", `/Users/${userId}`) : undefined;
          const response = await timed(
            method,
            path,
            method === "GET" || method === "DELETE" ? undefined : {},
            safeHeaders,
          );
          expect(response.status).toBeLessThan(500);
          if (before && response.status >= 400) {
            expect(stripMeta((await scim("GET", `/Users/${userId}`)).body)).toEqual(stripMeta(before.body));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  describe("limits, enforced and advertised", () => {
    it("advertises filter.maxResults and bulk.maxPayloadSize in ServiceProviderConfig", async () => {
      const config = (await scim("GET", "/ServiceProviderConfig")).body;
      expect(config.filter).toMatchObject({ supported: true, maxResults: 1000 });
      expect(config.bulk).toMatchObject({ maxPayloadSize: 256 * 1024 });
    });

    it("answers 413 to a body over 256 KiB, declared or not", async () => {
      const big = { userName: "big@x.com", displayName: "x".repeat(256 * 1024) };
      expect((await timed("POST", "/Users", big)).status).toBe(413);
      const patchBig = {
        schemas: [PATCH_OP],
        Operations: [{ op: "replace", path: "displayName", value: "y".repeat(300_000) }],
      };
      expect((await timed("PATCH", `/Users/${userId}`, patchBig)).status).toBe(413);
    });

    it("refuses a filter over 4096 characters or 32 levels deep", async () => {
      const long = `userName eq "${"a".repeat(4100)}"`;
      const longResponse = await timed("GET", `/Users?filter=${encodeURIComponent(long)}`);
      expect([longResponse.status, longResponse.body.scimType]).toEqual([400, "invalidFilter"]);
      const ok = `${"(".repeat(32)}userName eq "a"${")".repeat(32)}`;
      expect((await timed("GET", `/Users?filter=${encodeURIComponent(ok)}`)).status).toBe(200);
      const deep = `${"(".repeat(33)}userName eq "a"${")".repeat(33)}`;
      const deepResponse = await timed("GET", `/Users?filter=${encodeURIComponent(deep)}`);
      expect([deepResponse.status, deepResponse.body.scimType]).toEqual([400, "invalidFilter"]);
      const deeper = `${"not (".repeat(2000)}userName eq "a"${")".repeat(2000)}`;
      expect((await timed("GET", `/Users?filter=${encodeURIComponent(deeper)}`)).status).toBe(400);
    });

    it("refuses more than 1000 operations or 1000 members in one PATCH", async () => {
      const before = await scim("GET", `/Users/${userId}`);
      const ops = Array.from({ length: 1001 }, () => ({ op: "replace", path: "displayName", value: "n" }));
      expect(
        (await timed("PATCH", `/Users/${userId}`, { schemas: [PATCH_OP], Operations: ops })).status,
      ).toBe(400);
      const members = Array.from({ length: 1001 }, (_, index) => ({ value: `m${index}` }));
      const tooMany = await timed("PATCH", `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", path: "members", value: members }],
      });
      expect(tooMany.status).toBe(400);
      expect(stripMeta((await scim("GET", `/Users/${userId}`)).body)).toEqual(stripMeta(before.body));
    });

    it("refuses more than 100 values of a multi-valued attribute", async () => {
      const phones = Array.from({ length: 101 }, (_, index) => ({ value: `+1 555 ${index}`, type: "other" }));
      expect((await timed("POST", "/Users", { userName: "many@x.com", phoneNumbers: phones })).status).toBe(
        400,
      );
      const patched = await timed("PATCH", `/Users/${userId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", path: "phoneNumbers", value: phones }],
      });
      expect(patched.status).toBe(400);
    });

    it("answers 4xx, not 5xx, to deeply nested, huge or malformed bodies", async () => {
      const nested = `{"userName":"deep@x.com","name":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
      const deep = await timed("POST", "/Users", nested);
      expect(deep.status).toBeLessThan(500);
      if (deep.status === 201) expect(JSON.stringify(deep.body).length).toBeLessThan(2000);
      const nestedObject = `{"userName":"deep2@x.com","x":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`;
      expect((await timed("POST", "/Users", nestedObject)).status).toBeLessThan(500);
      const wide = {
        userName: "wide@x.com",
        emails: Array.from({ length: 5000 }, (_, i) => ({ value: `${i}@x.com` })),
      };
      expect((await timed("POST", "/Users", wide)).status).toBe(400);
      for (const operation of [
        { op: "replace", path: `${ENTERPRISE}:manager`, value: "\ud800" },
        { op: "replace", path: "externalId", value: "x\udc00" },
      ]) {
        expect(
          (await timed("PATCH", `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [operation] })).status,
        ).toBe(400);
      }
      const member = { op: "add", path: "members", value: [{ value: "\ud800" }] };
      expect(
        (await timed("PATCH", `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [member] })).status,
      ).toBe(400);
      for (const text of ["{", "[]", "null", '"x"', "1e999999", "\ud800", '{"userName":"\\ud800@x.com"}']) {
        expect((await timed("POST", "/Users", text)).status).toBeLessThan(500);
      }
    });
  });
});
