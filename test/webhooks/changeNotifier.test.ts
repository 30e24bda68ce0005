import { ChangeNotifier } from "../../src/webhooks/changeNotifier";
import type { WorkQueue } from "../../src/webhooks/workQueue";
import { scimClient, startTestHost, type TestHost } from "../support/testServices";

/** No poller runs here, so the fan-out queue keeps what the SCIM writes sent. */
describe("change notices after SCIM writes (local host, Azurite queues)", () => {
  let harness: TestHost;

  beforeAll(async () => {
    harness = await startTestHost();
  });

  afterAll(() => harness.close());

  const queued = async () =>
    (await harness.services.queues?.clients.fanOut.peekMessages({ numberOfMessages: 32 }))?.peekedMessageItems
      .length ?? -1;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

  it("queues nothing for a tenant without endpoints, and one coalesced notice for a burst of writes", async () => {
    const quiet = await harness.createTenant("quiet");
    for (let index = 0; index < 3; index += 1) {
      expect((await scimClient(quiet)("POST", "/Users", { userName: `q${index}@x.com` })).status).toBe(201);
    }
    await settle();
    expect(await queued()).toBe(0);

    const hooked = await harness.createTenant("hooked");
    await harness.services.webhooks.add(hooked.tenantId, { url: "http://127.0.0.1:9/hook" });
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        scimClient(hooked)("POST", "/Users", { userName: `h${index}@x.com` }),
      ),
    );
    await settle();
    expect(await queued()).toBe(1);
  });

  it("queues nothing for a read-only POST .search or a refused write, and one notice for a create", async () => {
    const tenant = await harness.createTenant("searcher");
    await harness.services.webhooks.add(tenant.tenantId, { url: "http://127.0.0.1:9/hook" });
    const scim = scimClient(tenant);
    expect((await scim("POST", "/Users", { userName: "first@x.com" })).status).toBe(201);
    await settle();
    await harness.services.queues?.clients.fanOut.clearMessages();

    const search = await scim("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName eq "first@x.com"',
    });
    expect(search.status).toBe(200);
    expect((await scim("POST", "/Groups/.search", { filter: 'displayName eq "none"' })).status).toBe(200);
    // A create refused as a duplicate commits nothing either.
    expect((await scim("POST", "/Users", { userName: "first@x.com" })).status).toBe(409);
    await settle();
    expect(await queued()).toBe(0);

    expect((await scim("POST", "/Users", { userName: "second@x.com" })).status).toBe(201);
    await settle();
    expect(await queued()).toBe(1);
  });
});

describe("a stopping host's change notices", () => {
  it("are dropped: nothing is sent, asked or reported after stop, and later notices are ignored", async () => {
    const sent: object[] = [];
    const queue = {
      send: (message: object) => Promise.resolve(void sent.push(message)),
    } as unknown as WorkQueue;
    const asked: string[] = [];
    const errors: unknown[] = [];
    const notifier = new ChangeNotifier(
      queue,
      (tenantId) => Promise.resolve(void asked.push(tenantId)).then(() => true),
      (error) => errors.push(error),
      20,
    );
    notifier.notify("kept");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sent).toEqual([{ tenantId: "kept" }]);

    notifier.notify("pending");
    notifier.stop();
    notifier.notify("late");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(asked).toEqual(["kept"]);
    expect(sent).toEqual([{ tenantId: "kept" }]);
    expect(errors).toEqual([]);
  });
});
