import type { AppServices } from "../../../src/app/composition";
import { runRetention } from "../../../src/jobs/retention";
import { createTestServices } from "../../support/testServices";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

describe("the retention job deletes portal sessions and setup links that can no longer be used", () => {
  let services: AppServices;
  let now = Date.now();

  beforeAll(async () => {
    services = await createTestServices({}, { clock: () => now });
    await services.tenants.create("keep");
  });

  async function session(): Promise<string> {
    const link = await services.setupLinks.create("keep", 1);
    const pending = services.portalSessions.prepare("keep");
    const used = await services.setupLinks.consume(link.secret, pending.sessionId);
    await services.portalSessions.start(pending, String(used?.linkId));
    return pending.secret;
  }

  it("keeps a live session and a recent link, deletes ended and idle sessions and long-expired links", async () => {
    const ended = await session();
    await services.portalSessions.end(ended);
    const idle = await session();
    now += 10 * MINUTE_MS;
    const live = await session();
    now += 10 * MINUTE_MS; // idle is 20 minutes without a request; live 10
    expect(await services.portalSessions.purge("keep")).toBe(2);
    expect(await services.portalSessions.resume(live)).toBeDefined();
    expect(await services.portalSessions.resume(idle)).toBeUndefined();
    expect((await services.setupLinks.list("keep")).length).toBe(3);
    const fresh = await services.setupLinks.create("keep", 1);
    now += 31 * DAY_MS;
    const recent = await services.setupLinks.create("keep", 1);
    await runRetention(services);
    expect((await services.setupLinks.list("keep")).map((link) => link.linkId)).toEqual([recent.linkId]);
    expect(fresh.linkId).not.toBe(recent.linkId);
  });
});
