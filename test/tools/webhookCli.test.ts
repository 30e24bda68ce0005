import type { AppServices } from "../../src/app/composition";
import { TableWebhookStore } from "../../src/store/tableWebhookStore";
import { TenantAdminError } from "../../src/tenants/tenantAdmin";
import { main } from "../../tools/tenantCli";
import { webhookCommand } from "../../tools/webhookCli";
import { createTestServices } from "../support/testServices";

describe("tenant CLI: webhook", () => {
  let services: AppServices;
  let run: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    services = await createTestServices();
    await services.tenants.create("acme");
    run = (...args) => webhookCommand(args, services.webhooks);
  });

  it("adds an endpoint (secret shown once, kept in the credential document), lists, rotates, removes it", async () => {
    const added = JSON.parse(
      await run(
        "add",
        "acme",
        "http://127.0.0.1:4000/hook",
        "--events",
        "user.created,user.deleted",
        "--json",
      ),
    );
    expect(added).toMatchObject({
      url: "http://127.0.0.1:4000/hook",
      eventTypes: ["user.created", "user.deleted"],
    });
    expect(added.secret).toMatch(/^whsec_/);
    expect(await run("list", "acme")).toBe(
      `${added.id}\tenabled\thttp://127.0.0.1:4000/hook\tuser.created,user.deleted`,
    );
    const credentials = await services.tables.tenants.getEntity<{ document: string }>("acme", "credentials");
    expect(credentials.document).toContain(added.secret);
    const endpointRow = await services.tables.tenants.getEntity<{ document: string }>(
      "acme",
      `webhook|${added.id}`,
    );
    expect(endpointRow.document).not.toContain(added.secret);

    // A paused endpoint says until when, and from which event it resumes.
    await new TableWebhookStore(services.tables.tenants).updateEndpoint("acme", added.id, (current) => ({
      ...current,
      paused: { since: "2026-01-01T00:00:00.000Z", until: "2026-01-01T00:00:30.000Z", strikes: 1, from: 3 },
    }));
    expect(await run("list", "acme")).toBe(
      `${added.id}\tenabled (paused until 2026-01-01T00:00:30.000Z, from event 3)\thttp://127.0.0.1:4000/hook\tuser.created,user.deleted`,
    );

    const rotated = await run("rotate-secret", "acme", added.id, "--overlap-hours", "2");
    expect(rotated).toMatch(
      /^New secret: whsec_\S+\nThe previous secret keeps signing beside it for 2 hours/,
    );
    expect(await run("deliveries", "acme", added.id)).toBe("(no deliveries yet)");
    // Nothing has happened in the tenant yet: there is no event 1 to replay.
    await expect(run("replay", "acme", added.id, "--from", "1")).rejects.toThrow("The range must be");
    expect(await run("remove", "acme", added.id)).toBe(`Endpoint '${added.id}' removed.`);
    expect(await run("list", "acme")).toBe("(none)");
    const after = await services.tables.tenants.getEntity<{ document: string }>("acme", "credentials");
    expect(after.document).not.toContain("whsec_");
  });

  it("refuses an unknown event type, a bad URL and an unknown endpoint, changing nothing", async () => {
    await expect(
      run("add", "acme", "http://127.0.0.1:4000/hook", "--events", "user.renamed"),
    ).rejects.toThrow("Unknown event type(s): user.renamed.");
    await expect(run("add", "acme", "http://example.com/hook")).rejects.toThrow(/https/);
    await expect(run("remove", "acme", "we_nope")).rejects.toThrow(TenantAdminError);
    await expect(run("replay", "acme", "we_nope")).rejects.toThrow(TenantAdminError);
    await expect(run("frobnicate", "acme")).rejects.toThrow("Unknown webhook command");
    expect(await run("list", "acme")).toBe("(none)");
  });
});

describe("npm run tenant -- app-key / webhook (through the tenant CLI's runner)", () => {
  it("are commands of the tenant CLI: help, JSON output, and a usage exit code for a wrong one", async () => {
    const services = await createTestServices();
    await services.tenants.create("cli-acme");
    const run = async (...argv: string[]) => {
      let out = "";
      let err = "";
      const code = await main(
        argv,
        { services: () => Promise.resolve(services), url: "http://127.0.0.1:7071/scim/v2" },
        {
          out: (text) => (out += text),
          err: (text) => (err += text),
        },
      );
      return { code, out, err };
    };
    const key = await run("app-key", "create", "cli-acme", "--json");
    expect(key.code).toBe(0);
    expect(JSON.parse(key.out)).toMatchObject({
      tenantId: "cli-acme",
      apiUrl: "http://127.0.0.1:7071/api/v1/tenants/cli-acme",
    });
    const hook = await run("webhook", "add", "cli-acme", "http://127.0.0.1:4000/hook", "--json");
    expect(hook.code).toBe(0);
    expect(JSON.parse(hook.out)).toMatchObject({ url: "http://127.0.0.1:4000/hook", status: "enabled" });
    expect((await run("help", "webhook")).out).toContain("webhook rotate-secret");
    const wrong = await run(
      "webhook",
      "add",
      "cli-acme",
      "http://127.0.0.1:4000/hook",
      "--events",
      "user.renamed",
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain("Unknown event type(s): user.renamed.");
  });
});
