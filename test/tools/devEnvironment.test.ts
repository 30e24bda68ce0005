import { DEMO_TENANT, demoSetupLink, prepareDemoTenant } from "../../tools/devEnvironment";
import { portalClient } from "../support/portalClient";
import { createTestServices, startTestHost } from "../support/testServices";

describe("the demo tenant of npm run dev", () => {
  it("is created on first start, and its kept token is printed again while it works", async () => {
    const services = await createTestServices();
    const first = await prepareDemoTenant(services, undefined);
    expect(await services.authenticator.verify(DEMO_TENANT, first)).toBe(true);
    expect(await prepareDemoTenant(services, first)).toBe(first);
  });

  it("gets a new token when the kept one no longer works, so the printed token always does", async () => {
    const services = await createTestServices();
    const first = await prepareDemoTenant(services, undefined);
    const rotated = await services.tenants.rotate(DEMO_TENANT, 0);
    services.authenticator.forget(DEMO_TENANT);

    const printed = await prepareDemoTenant(services, first);
    expect(printed).not.toBe(first);
    expect(printed).not.toBe(rotated);
    expect(await services.authenticator.verify(DEMO_TENANT, printed)).toBe(true);
    expect(await services.authenticator.verify(DEMO_TENANT, first)).toBe(false);
  });

  it("prints a setup link that opens the portal for the demo tenant, once", async () => {
    const harness = await startTestHost();
    try {
      await prepareDemoTenant(harness.services, undefined);
      const url = await demoSetupLink(harness.services, harness.host.origin);
      expect(url.startsWith(`${harness.host.origin}/portal/#link=${DEMO_TENANT}.`)).toBe(true);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
      const secret = new URL(url).hash.slice("#link=".length);
      const browser = portalClient(harness.host.origin);
      expect((await browser.signIn(secret)).body.tenantId).toBe(DEMO_TENANT);
      expect((await portalClient(harness.host.origin).signIn(secret)).status).toBe(401);
    } finally {
      await harness.close();
    }
  });
});
