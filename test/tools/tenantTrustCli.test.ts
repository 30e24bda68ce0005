import type { AppServices } from "../../src/app/composition";
import { runTenantCli, tenantCliOutput } from "../support/tenantCli";
import { createTestServices } from "../support/testServices";

const ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0";
const JWKS = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys";

/** `npm run tenant -- trust …` against the tenants table in Azurite. */
describe("tenant CLI: trust", () => {
  let services: AppServices;
  const run = (...args: string[]) => tenantCliOutput(services, "trust", ...args);
  const add = (...extra: string[]) =>
    run("add", "acme", "--issuer", ISSUER, "--subject", "sp-object-id", "--jwks-uri", JWKS, ...extra);

  beforeAll(async () => {
    services = await createTestServices();
    await services.tenants.create("acme");
  });

  it("adds, lists and removes trusts, with an audit record of each change", async () => {
    const trust = JSON.parse(await add("--audience", "api://app", "--audience", "app-guid", "--json"));
    expect(trust).toMatchObject({
      issuer: ISSUER,
      subject: "sp-object-id",
      audiences: ["api://app", "app-guid"],
    });
    expect(await run("list", "acme")).toContain(`Trust ${trust.trustId as string}`);
    await expect(add("--audience", "api://app")).rejects.toThrow(/exit 4: .*already exists/);
    expect(await run("remove", "acme", trust.trustId)).toContain("removed");
    expect(await run("list", "acme")).toBe("(no trusts)");
    const audit = await services.auditLog.list("acme", { limit: 10 });
    expect(audit.records.map((record) => record.operation)).toEqual(
      expect.arrayContaining(["trustAdded", "trustRemoved"]),
    );
  });

  it("refuses incomplete or unsafe trusts and unknown tenants with one line and an exit code", async () => {
    await expect(run("add", "acme", "--issuer", ISSUER)).rejects.toThrow(/exit 2: .*--jwks-uri/);
    await expect(add("--audience", "a", "--jwks-uri", "http://keys.example.test/keys")).rejects.toThrow(
      /exit 2: .*jwksUri/,
    );
    await expect(add("--audience", " padded")).rejects.toThrow(/exit 2: .*audiences/);
    const unknown = await runTenantCli(services, "trust", "list", "nobody");
    expect(unknown.code).toBe(3);
    await expect(run("remove", "acme", "no-such-trust")).rejects.toThrow(/exit 3: .*No trust/);
    await expect(run("frobnicate", "acme")).rejects.toThrow(/exit 2/);
    expect(await run("list", "acme")).toBe("(no trusts)");
  });
});
