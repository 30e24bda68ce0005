import { inspect } from "node:util";
import type { LogHandler } from "@azure/functions";
import { declareAttribute } from "../../src/scim/schema/tenantSchema";
import { directResources } from "../reliability/support/harness";
import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";

const logs: string[] = [];
const captureLogs: LogHandler = (level, ...args) => {
  logs.push(
    `${level} ${args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 8 }))).join(" ")}`,
  );
};

/** A distinct secret per shape, so a leak names the shape that leaked. */
const secret = (shape: string) => `S3cret-${shape}-x9`;

describe("write-only attributes: the password, and a tenant's own (over HTTP)", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;
  const responses: string[] = [];
  const sentSecrets: string[] = [];

  async function send(method: string, path: string, body?: unknown) {
    const response = await scim(method, path, body);
    responses.push(JSON.stringify(response.body ?? ""));
    return response;
  }

  const patch = (id: string, shape: string, operation: Record<string, unknown>) => {
    sentSecrets.push(secret(shape));
    return send("PATCH", `/Users/${id}`, { schemas: [PATCH_OP], Operations: [operation] });
  };

  beforeAll(async () => {
    harness = await startTestHost({}, captureLogs);
    tenant = await harness.createTenant("pw");
    scim = scimClient(tenant);
    await harness.services.tenantSchemas.update(tenant.tenantId, (current) =>
      declareAttribute(current, {
        schema: CONTOSO,
        resourceType: "User",
        name: "pin",
        type: "string",
        multiValued: false,
        caseExact: true,
        mutability: "writeOnly",
      }),
    );
    await harness.services.tenants.setDebugUntil(tenant.tenantId, new Date(Date.now() + 3_600_000));
  });

  afterAll(() => harness.close());

  it("accepts the password in every shape Entra sends, and it leaves in no response, row, audit record or log line", async () => {
    sentSecrets.push(secret("create"), secret("createUrn"), secret("createPin"));
    const created = await send("POST", "/Users", {
      schemas: [CORE, CONTOSO],
      userName: "pw@contoso.com",
      password: secret("create"),
      [`${CORE}:password`]: secret("createUrn"),
      [CONTOSO]: { pin: secret("createPin") },
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const shapes: [string, Record<string, unknown>][] = [
      ["path", { op: "replace", path: "password", value: secret("path") }],
      ["Path", { op: "Replace", path: "PassWord", value: secret("Path") }],
      ["add", { op: "add", path: "password", value: secret("add") }],
      ["urn", { op: "replace", path: `${CORE}:password`, value: secret("urn") }],
      ["pathless", { op: "replace", value: { password: secret("pathless"), displayName: "Pat" } }],
      ["pathlessUrn", { op: "replace", value: { [`${CORE}:PASSWORD`]: secret("pathlessUrn") } }],
      ["legacyArray", { op: "Replace", path: "password", value: [{ value: secret("legacyArray") }] }],
      ["pin", { op: "replace", path: `${CONTOSO}:pin`, value: secret("pin") }],
      ["pinObject", { op: "replace", path: CONTOSO, value: { pin: secret("pinObject") } }],
      ["pinPathless", { op: "replace", value: { [`${CONTOSO}:pin`]: secret("pinPathless") } }],
    ];
    for (const [shape, operation] of shapes) expect((await patch(id, shape, operation)).status).toBe(200);

    sentSecrets.push(secret("put"));
    const replaced = await send("PUT", `/Users/${id}`, {
      userName: "pw@contoso.com",
      displayName: "Pat",
      password: secret("put"),
    });
    expect(replaced.status).toBe(200);

    // Reads in every form: by id, listed, asked for by name.
    expect((await send("GET", `/Users/${id}`)).status).toBe(200);
    expect((await send("GET", "/Users")).status).toBe(200);
    const asked = await send("GET", `/Users/${id}?attributes=password,${CONTOSO}:pin`);
    expect(asked.body).toEqual({ schemas: [CORE], id });
    await send("POST", "/Users/.search", { attributes: ["password"] });

    const rows: string[] = [];
    for await (const row of directResources(harness.services).listEntities({
      queryOptions: { filter: `PartitionKey eq '${tenant.tenantId}'` },
    }))
      rows.push(JSON.stringify(row));
    const audit = JSON.stringify(await harness.services.auditLog.list(tenant.tenantId, { limit: 200 }));
    expect(audit).toContain('"attribute":"displayName"');
    expect(logs.some((line) => line.includes("scim.debug"))).toBe(true);

    for (const leaked of sentSecrets) {
      expect(responses.filter((text) => text.includes(leaked))).toEqual([]);
      expect(rows.filter((text) => text.includes(leaked))).toEqual([]);
      expect(audit).not.toContain(leaked);
      expect(logs.filter((line) => line.includes(leaked))).toEqual([]);
    }
  });

  it("refuses to filter or sort on a write-only attribute", async () => {
    for (const filter of [
      'password eq "x"',
      `${CORE}:password pr`,
      `${CONTOSO}:pin eq "1"`,
      'PASSWORD sw "a"',
    ]) {
      const response = await scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
      expect(response.status).toBe(400);
      expect(response.body.scimType).toBe("invalidFilter");
      expect(response.body.detail).toMatch(/write-only/);
    }
    expect((await scim("GET", "/Users?sortBy=password")).status).toBe(400);
  });

  it("declares password writeOnly and returned never, and so a tenant's write-only attribute", async () => {
    const schemas = (await scim("GET", "/Schemas")).body.Resources as {
      id: string;
      attributes: { name: string; mutability: string; returned: string }[];
    }[];
    const attributeOf = (schema: string, name: string) =>
      schemas.find((s) => s.id === schema)?.attributes.find((a) => a.name === name);
    expect(attributeOf(CORE, "password")).toMatchObject({ mutability: "writeOnly", returned: "never" });
    expect(attributeOf(CONTOSO, "pin")).toMatchObject({ mutability: "writeOnly", returned: "never" });
  });
});
