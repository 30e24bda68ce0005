import { TableResourceStore } from "../../src/store/tableResourceStore";
import { userKind } from "../../src/store/resourceKinds";
import { hashToken } from "../../src/tenants/tokens";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";
import { directResources } from "./support/harness";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const UNDECLARED = "urn:ietf:params:scim:schemas:extension:Deep:2.0:User";
const ADMIN_TOKEN = "scimadm_bad-input-statuses";

/** `{"a":{"a":…"x"…}}` nested `levels` deep. */
function nested(levels: number): unknown {
  let value: unknown = "x";
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

/** A cursor as this server issues them, around any inner storage token. */
const cursorAround = (token: string) =>
  Buffer.from(JSON.stringify({ token, skip: 0 }), "utf8").toString("base64url");
const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value), "latin1").toString("base64");

describe("bad input gets 400, never 500 or 503 (over HTTP)", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;

  beforeAll(async () => {
    harness = await startTestHost({ ADMIN_TOKEN_SHA256: hashToken(ADMIN_TOKEN) });
    tenant = await harness.createTenant("bad");
    scim = scimClient(tenant);
    userId = (await scim("POST", "/Users", { userName: "deep@contoso.com", emails: [{ value: "d@x.com" }] }))
      .body.id;
    for (let index = 0; index < 3; index += 1)
      await scim("POST", "/Users", { userName: `u${index}@contoso.com` });
  });

  afterAll(() => harness.close());

  it("refuses an undeclared extension nested 4,000 levels on create, PUT and PATCH, storing nothing", async () => {
    const deep = { [UNDECLARED]: { tree: nested(4000) } };
    const before = await scim("GET", `/Users/${userId}`);
    const answers = [
      await scim("POST", "/Users", { userName: "never@contoso.com", ...deep }),
      await scim("PUT", `/Users/${userId}`, { userName: "deep@contoso.com", ...deep }),
      await scim("PATCH", `/Users/${userId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", value: deep }],
      }),
      // Deeper than JSON.stringify can write: the body is sent as text.
      await scim(
        "POST",
        "/Users",
        `{"userName":"never@contoso.com","${UNDECLARED}":{"tree":${"[".repeat(40_000)}${"]".repeat(40_000)}}}`,
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.scimType).toBe("invalidSyntax");
      expect(answer.body.detail).toMatch(/deeper than 32 levels/);
    }
    expect((await scim("GET", `/Users/${userId}`)).body.meta.version).toBe(before.body.meta.version);
    const never = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "never@contoso.com"')}`);
    expect(never.body.totalResults).toBe(0);
  });

  it("serves and patches a row stored deep before the limit existed, never 500", async () => {
    const store = new TableResourceStore(directResources(harness.services), userKind);
    const id = "legacy-deep";
    await store.create(
      tenant.tenantId,
      id,
      {
        userName: "legacy@contoso.com",
        emails: [{ value: "l@x.com" }],
        [UNDECLARED]: { tree: nested(4000) },
      },
      new Date().toISOString(),
    );
    const listed = await scim("GET", "/Users?excludedAttributes=emails&count=100");
    expect(listed.status).toBe(200);
    expect(listed.body.Resources.every((user: Record<string, unknown>) => user.emails === undefined)).toBe(
      true,
    );
    expect((await scim("GET", `/Users/${id}?excludedAttributes=${UNDECLARED}:tree`)).status).toBe(200);
    const patched = await scim("PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "displayName", value: "Legacy" }],
    });
    expect(patched.status).toBe(200);
  });

  it("answers a malformed storage token inside a SCIM cursor 400 invalidCursor", async () => {
    const first = await scim("GET", "/Users?cursor=&count=2");
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await scim("GET", `/Users?count=2&cursor=${first.body.nextCursor as string}`)).status).toBe(200);
    for (const token of [
      "not base64 json",
      base64Json({ nextPartitionKey: "YmFk", nextRowKey: "u|\u0001" }),
      base64Json({ nextPartitionKey: "", nextRowKey: "u|a" }),
      base64Json(["nextPartitionKey"]),
    ]) {
      const answer = await scim("GET", `/Users?count=2&cursor=${cursorAround(token)}`);
      expect(answer.status).toBe(400);
      expect(answer.body.scimType).toBe("invalidCursor");
    }
  });

  it("answers a malformed cursor of the admin audit endpoint 400 invalidCursor", async () => {
    const audit = (cursor: string) =>
      fetch(
        `${harness.host.origin}/ops/tenants/${tenant.tenantId}/audit?count=1&cursor=${encodeURIComponent(cursor)}`,
        {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      );
    const first = (await (await audit("")).json()) as { next?: string };
    expect(first.next).toEqual(expect.any(String));
    expect((await audit(first.next ?? "")).status).toBe(200);
    for (const cursor of ["garbage", base64Json({ nextPartitionKey: "YmFk", nextRowKey: "a|\u0000" })]) {
      const answer = await audit(cursor);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { scimType?: string }).scimType).toBe("invalidCursor");
    }
  });
});
