import type { AppServices } from "../../src/app/composition";
import { runTenantCli, tenantCliOutput } from "../support/tenantCli";
import { createTestServices } from "../support/testServices";

const CONTOSO = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
const GROUPS = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:Group";

/** `npm run tenant -- schema …` against the tenants table in Azurite. */
describe("tenant CLI: schema", () => {
  let services: AppServices;
  let run: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    services = await createTestServices();
    await services.tenants.create("acme");
    await services.tenants.create("other");
    run = (...args) => tenantCliOutput(services, "schema", ...args);
  });

  it("declares a write-only attribute with --write-only, shown in the listing", async () => {
    await services.tenants.create("secretive");
    await run("add", "secretive", `${CONTOSO}:pin`, "--write-only");
    expect(JSON.parse(await run("list", "secretive", "--json")).attributes).toEqual([
      {
        schema: CONTOSO,
        resourceType: "User",
        name: "pin",
        type: "string",
        multiValued: false,
        caseExact: false,
        mutability: "writeOnly",
      },
    ]);
    expect(await run("list", "secretive")).toContain(
      `${CONTOSO}:pin\tUser\tstring\tsingle-valued\tcaseIgnored\twriteOnly`,
    );
  });

  it("adds, lists, redefines and removes attributes, stored in the tenant's row 'schema'", async () => {
    expect(await run("list", "acme")).toContain("(no extension attributes declared)");
    expect(await run("add", "acme", `${CONTOSO}:costCenter`)).toBe(
      `Declared ${CONTOSO}:costCenter for tenant 'acme'.`,
    );
    await run("add", "acme", `${CONTOSO}:badgeNumber`, "--type", "integer", "--case-exact");
    await run("add", "acme", `${CONTOSO}:clearance`, "--multi-valued");
    await run("add", "acme", `${GROUPS}:budget`, "--type", "decimal");
    const listed = JSON.parse(await run("list", "acme", "--json"));
    expect(listed).toEqual({
      undeclaredExtensions: "store",
      attributes: [
        {
          schema: CONTOSO,
          resourceType: "User",
          name: "costCenter",
          type: "string",
          multiValued: false,
          caseExact: false,
        },
        {
          schema: CONTOSO,
          resourceType: "User",
          name: "badgeNumber",
          type: "integer",
          multiValued: false,
          caseExact: true,
        },
        {
          schema: CONTOSO,
          resourceType: "User",
          name: "clearance",
          type: "string",
          multiValued: true,
          caseExact: false,
        },
        {
          schema: GROUPS,
          resourceType: "Group",
          name: "budget",
          type: "decimal",
          multiValued: false,
          caseExact: false,
        },
      ],
    });
    expect(await run("list", "acme")).toContain(
      `${CONTOSO}:badgeNumber\tUser\tinteger\tsingle-valued\tcaseExact`,
    );

    // The row is where the endpoint reads it.
    const row = await services.tables.tenants.getEntity<{ document: string }>("acme", "schema");
    expect(JSON.parse(row.document)).toEqual(listed);
    const types = await services.resourceTypes.forTenant("acme");
    expect(types.User.resolve({ schema: CONTOSO, attribute: "BADGENUMBER" })?.attribute.type).toBe("integer");
    expect(types.Group.resolve({ schema: GROUPS, attribute: "budget" })?.attribute.type).toBe("decimal");

    expect(await run("remove", "acme", `${CONTOSO}:clearance`)).toContain(`Removed ${CONTOSO}:clearance`);
    expect(await run("remove", "acme", CONTOSO)).toContain("costCenter");
    expect(JSON.parse(await run("list", "acme", "--json")).attributes).toEqual([
      expect.objectContaining({ schema: GROUPS, name: "budget" }),
    ]);
    expect((await services.tenantSchemas.read("other")).attributes).toEqual([]);
  });

  it("sets what happens to undeclared extensions", async () => {
    expect(await run("undeclared", "other", "refuse")).toBe(
      "Tenant 'other' now refuses undeclared extension attributes.",
    );
    expect((await services.tenantSchemas.read("other")).undeclaredExtensions).toBe("refuse");
    await run("undeclared", "other", "store");
    expect((await services.tenantSchemas.read("other")).undeclaredExtensions).toBe("store");
  });

  it("refuses unknown tenants, bad names and types, built-in schemas, and absent attributes", async () => {
    await expect(run("list", "nobody")).rejects.toThrow("exit 3: Tenant 'nobody' does not exist.");
    await expect(run("add", "acme", "costCenter")).rejects.toThrow(/not a urn:...:attribute name/);
    await expect(run("add", "acme", `${CONTOSO}:x`, "--type", "complex")).rejects.toThrow(/--type must be/);
    await expect(run("add", "acme", `${CONTOSO}:bad.name`)).rejects.toThrow(/not a SCIM attribute name/);
    await expect(
      run("add", "acme", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"),
    ).rejects.toThrow(/built-in/);
    await expect(run("remove", "acme", `${CONTOSO}:never`)).rejects.toThrow(/exit 3: .* declares no/);
    await expect(run("undeclared", "acme", "maybe")).rejects.toThrow(/refuse or store/);
    await expect(run("add", "acme", `${CONTOSO}:x`, "--bogus")).rejects.toThrow(
      /exit 2: Unknown option '--bogus'/,
    );
    const refused = await runTenantCli(
      services,
      "schema",
      "add",
      "acme",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
    );
    expect(refused.code).toBe(4);
    expect(refused.stderr.split("\n")).toHaveLength(1);
  });
});
