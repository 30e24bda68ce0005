import { PORTAL_VIEWS } from "../../../tools/bench/portalViews";
import { seedResources, userRows } from "../../../tools/bench/rows";
import { portalClient, type PortalClient } from "../../support/portalClient";
import { startTestHost, type TestHost, type TestTenant } from "../../support/testServices";

const MANY_USERS = 2000;

interface Reads {
  readonly storageRoundTrips: number;
  readonly storageRowsRead?: number;
}

describe("storage reads per portal view do not grow with the tenant's users", () => {
  let harness: TestHost;
  const lines: string[] = [];

  beforeAll(async () => {
    harness = await startTestHost({}, (_level, first) => {
      if (typeof first === "string" && first.startsWith('{"event":"portal.request"')) lines.push(first);
    });
  }, 120_000);

  afterAll(() => harness.close());

  async function signedIn(tenant: TestTenant): Promise<PortalClient> {
    const browser = portalClient(harness.host.origin);
    const { secret } = await harness.services.setupLinks.create(tenant.tenantId, 1);
    expect((await browser.signIn(secret)).status).toBe(200);
    return browser;
  }

  async function readsPerView(browser: PortalClient): Promise<Record<string, Reads>> {
    const reads: Record<string, Reads> = {};
    for (const { view, route, path } of PORTAL_VIEWS) {
      lines.length = 0;
      expect((await browser.call("GET", path)).status).toBe(200);
      const line = JSON.parse(lines.at(-1) ?? "{}") as Reads & { route?: string };
      expect(line.route).toBe(route);
      reads[view] = {
        storageRoundTrips: line.storageRoundTrips,
        ...(line.storageRowsRead === undefined ? {} : { storageRowsRead: line.storageRowsRead }),
      };
    }
    return reads;
  }

  it(`reads the same rows for a tenant of ${MANY_USERS} users as for an empty one, a few round trips per view`, async () => {
    const empty = await harness.createTenant("few");
    const large = await harness.createTenant("many");
    await seedResources(
      harness.services.tables.resources,
      (index) => userRows(large.tenantId, "portal", index),
      MANY_USERS,
    );
    const emptyReads = await readsPerView(await signedIn(empty));
    const largeReads = await readsPerView(await signedIn(large));
    expect(largeReads).toEqual(emptyReads);
    for (const { view } of PORTAL_VIEWS) {
      // The session (1), the tenant's registration (1) and at most the view's own reads.
      expect({ view, roundTrips: (largeReads[view]?.storageRoundTrips ?? 99) <= 5 }).toEqual({
        view,
        roundTrips: true,
      });
    }
    console.log(`storage round trips per portal view: ${JSON.stringify(largeReads)}`);
  }, 120_000);
});
