import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import {
  issueAccessToken,
  scimClient,
  startTestHost,
  type TestHost,
  type TestTenant,
} from "../support/testServices";
import { directResources, expectConsistent, type Scim } from "./support/harness";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

interface Credentialed extends TestTenant {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken: string;
  readonly userId: string;
  readonly groupId: string;
}

/** Every route of src/http/routes.ts, with each method it serves. */
function routeMatrix(userId: string, groupId: string): [string, string, unknown?][] {
  const resources: [string, string, unknown?][] = [];
  for (const [collection, id, body] of [
    ["/Users", userId, { userName: "intruder@x.com" }],
    ["/Groups", groupId, { displayName: "Intruders" }],
  ] as const) {
    resources.push(
      ["GET", collection],
      ["GET", `${collection}?filter=${encodeURIComponent(`id eq "${id}"`)}`],
      ["POST", collection, body],
      ["POST", `${collection}/.search`, { filter: `id eq "${id}"` }],
      ["GET", `${collection}/${id}`],
      ["PUT", `${collection}/${id}`, body],
      [
        "PATCH",
        `${collection}/${id}`,
        { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "externalId", value: "x" }] },
      ],
      ["DELETE", `${collection}/${id}`],
    );
  }
  return [
    ...resources,
    ["GET", "/ServiceProviderConfig"],
    ["GET", "/ResourceTypes"],
    ["GET", "/ResourceTypes/User"],
    ["GET", "/Schemas"],
    ["GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"],
    ["GET", "/Bulk"],
    ["POST", "/Me", {}],
    ["DELETE", "/anything/else"],
  ];
}

/** Each method a resource URL takes, with a valid body that would change the resource. */
function everyMethodOn(collection: "/Users" | "/Groups", word: string): [string, unknown][] {
  return [
    ["GET", undefined],
    ["PATCH", { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "externalId", value: word }] }],
    ["PUT", collection === "/Users" ? { userName: `${word}@x.com` } : { displayName: word }],
    ["DELETE", undefined],
  ];
}

function expectHygiene(
  response: { status: number; headers: Headers; body: any },
  secrets: readonly string[],
) {
  const text = JSON.stringify(response.body ?? "");
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+|node_modules|RestError|stack/);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("cache-control")).toContain("no-store");
}

/** No credential of one tenant opens another, through any route; ids do not cross. */
describe("tenant isolation and auth over every route", () => {
  let harness: TestHost;
  let direct: TableClient;
  let home: Credentialed;
  let foreign: Credentialed;

  async function credentialed(prefix: string): Promise<Credentialed> {
    const tenant = await harness.createTenant(prefix);
    const { clientId, clientSecret, accessToken } = await issueAccessToken(harness, tenant);
    const scim = scimClient(tenant);
    const userId = (await scim("POST", "/Users", { userName: `owner@${prefix}.com` })).body.id;
    const groupId = (
      await scim("POST", "/Groups", { displayName: `Team ${prefix}`, members: [{ value: userId }] })
    ).body.id;
    return { ...tenant, clientId, clientSecret, accessToken, userId, groupId };
  }

  beforeAll(async () => {
    harness = await startTestHost();
    direct = directResources(harness.services);
    home = await credentialed(`home${randomUUID().slice(0, 4)}`);
    foreign = await credentialed(`away${randomUUID().slice(0, 4)}`);
  });

  afterAll(async () => {
    await expectConsistent(direct, home.tenantId);
    await expectConsistent(direct, foreign.tenantId);
    await harness.close();
  });

  async function snapshot(tenant: TestTenant) {
    const scim = scimClient(tenant);
    return [
      (await scim("GET", "/Users")).body.Resources,
      (await scim("GET", "/Groups")).body.Resources.map((g: any) => ({ ...g, meta: undefined })),
    ];
  }

  it.each(["Secret Token", "OAuth access token"] as const)(
    "answers 401 to every route of a tenant called with another tenant's %s",
    async (kind) => {
      const before = await snapshot(home);
      const token = kind === "Secret Token" ? foreign.token : foreign.accessToken;
      const intruder: Scim = scimClient({ ...home, token });
      const secrets = [foreign.token, foreign.accessToken, foreign.clientSecret, home.token];
      const failures: string[] = [];
      for (const [method, path, body] of [
        ...routeMatrix(home.userId, home.groupId),
        ...routeMatrix(foreign.userId, foreign.groupId),
      ]) {
        const response = await intruder(method, path, body);
        if (response.status !== 401) failures.push(`${method} ${path} ${response.status}`);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expectHygiene(response, secrets);
      }
      expect(failures).toEqual([]);
      expect(await snapshot(home)).toEqual(before);
    },
  );

  it("refuses another tenant's client credentials at the token endpoint", async () => {
    for (const body of [
      { grant_type: "client_credentials", client_id: foreign.clientId, client_secret: foreign.clientSecret },
    ]) {
      const response = await fetch(`${home.tenantUrl}/oauth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body),
      });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain(foreign.clientSecret);
      expect(response.headers.get("cache-control")).toContain("no-store");
    }
    const basic = Buffer.from(`${foreign.clientId}:${foreign.clientSecret}`).toString("base64");
    const viaBasic = await fetch(`${home.tenantUrl}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basic}` },
      body: "grant_type=client_credentials",
    });
    expect(viaBasic.status).toBe(401);
  });

  it("answers 404 to a user's id sent to /Groups (and a group's to /Users), changing nothing", async () => {
    const before = await snapshot(home);
    const scim = scimClient(home);
    for (const [collection, id] of [
      ["/Groups", home.userId],
      ["/Users", home.groupId],
    ] as const) {
      for (const [method, body] of everyMethodOn(collection, "crossed")) {
        const response = await scim(method, `${collection}/${id}`, body);
        expect(`${method} ${collection} ${response.status}`).toBe(`${method} ${collection} 404`);
      }
    }
    expect(await snapshot(home)).toEqual(before);
    const members = (await scim("GET", `/Groups/${home.groupId}`)).body.members.map((m: any) => m.value);
    expect(members).toEqual([home.userId]);
    const groups = (await scim("GET", `/Users/${home.userId}?attributes=groups`)).body.groups ?? [];
    expect(groups.map((g: any) => g.value)).toEqual([home.groupId]);
  });

  it("answers 404 (or finds nothing) for another tenant's ids through the tenant's own credentials", async () => {
    const before = await snapshot(foreign);
    for (const token of [home.token, home.accessToken]) {
      const scim = scimClient({ ...home, token });
      for (const [collection, id] of [
        ["/Users", foreign.userId],
        ["/Groups", foreign.groupId],
      ] as const) {
        for (const [method, body] of everyMethodOn(collection, "stolen")) {
          const response = await scim(method, `${collection}/${id}`, body);
          expect(`${method} ${collection} ${response.status}`).toBe(`${method} ${collection} 404`);
          expectHygiene(response, [foreign.token]);
        }
        const filtered = await scim("GET", `${collection}?filter=${encodeURIComponent(`id eq "${id}"`)}`);
        expect(filtered.body.totalResults).toBe(0);
      }
      const byName = await scim(
        "GET",
        `/Users?filter=${encodeURIComponent(`userName eq "owner@${foreign.tenantId.split("-")[0]}.com"`)}`,
      );
      expect(byName.body.totalResults).toBe(0);
      // A foreign user cannot be made a member of a home group, by id or by $ref.
      for (const value of [
        { value: foreign.userId },
        { value: foreign.userId, $ref: `${foreign.tenantUrl}/Users/${foreign.userId}` },
      ]) {
        const add = await scim("PATCH", `/Groups/${home.groupId}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "add", path: "members", value: [value] }],
        });
        expect([400, 404]).toContain(add.status);
      }
      const members = (await scim("GET", `/Groups/${home.groupId}`)).body.members.map((m: any) => m.value);
      expect(members).toEqual([home.userId]);
    }
    expect(await snapshot(foreign)).toEqual(before);
  });
});
