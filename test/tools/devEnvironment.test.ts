import { DEMO_TENANT, prepareDemoTenant } from "../../tools/devEnvironment";
import { createTestServices } from "../support/testServices";

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
});
