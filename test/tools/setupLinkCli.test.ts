import type { AppServices as Services } from "../../src/app/composition";
import { runTenantCli, tenantCliOutput } from "../support/tenantCli";
import { createTestServices } from "../support/testServices";

/** `npm run tenant -- setup-link …` against the tenants table in Azurite. */
describe("tenant CLI: setup-link", () => {
  let services: Services;
  const run = (...args: string[]) => tenantCliOutput(services, "setup-link", ...args);

  beforeAll(async () => {
    services = await createTestServices();
    await services.tenants.create("acme");
  });

  it("creates a link with the secret in the URL's fragment, lists it without the secret, revokes it", async () => {
    const created = JSON.parse(await run("acme", "--hours", "2", "--json"));
    expect(created).toEqual({
      tenantId: "acme",
      linkId: expect.stringMatching(/^[0-9a-f]{16}$/),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:7071\/portal\/#link=acme\.[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const hoursLeft = (Date.parse(created.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(1.9);
    expect(hoursLeft).toBeLessThanOrEqual(2);
    const secret = String(created.url).split("#link=")[1] ?? "";
    const listed = await run("list", "acme");
    expect(listed).toContain(`${created.linkId}\tactive`);
    expect(listed).not.toContain(secret);
    expect(JSON.stringify(await services.auditLog.list("acme", { limit: 50 }))).not.toContain(secret);
    expect(await run("revoke", "acme", created.linkId)).toContain("revoked");
    expect(JSON.parse(await run("list", "acme", "--json"))).toEqual([
      expect.objectContaining({ linkId: created.linkId, state: "revoked" }),
    ]);
    expect(await services.setupLinks.consume(secret, "s1")).toBeUndefined();
    const operations = (await services.auditLog.list("acme", { limit: 50 })).records.map((r) => r.operation);
    expect(operations).toEqual(expect.arrayContaining(["setupLinkCreated", "setupLinkRevoked"]));
  });

  it("refuses a missing tenant, a bad --hours and an unknown link with one line and an exit code", async () => {
    expect((await runTenantCli(services, "setup-link", "nobody")).code).toBe(3);
    expect((await runTenantCli(services, "setup-link", "acme", "--hours", "0")).code).toBe(2);
    expect((await runTenantCli(services, "setup-link", "acme", "--hours", "soon")).code).toBe(2);
    expect((await runTenantCli(services, "setup-link", "acme", "--hours", "10000")).code).toBe(2);
    expect((await runTenantCli(services, "setup-link", "revoke", "acme", "0000")).code).toBe(3);
    expect((await runTenantCli(services, "setup-link")).code).toBe(2);
  });
});
