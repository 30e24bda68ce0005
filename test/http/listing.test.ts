import { scimClient, startTestHost, type TestHost, type TestTenant } from "../support/testServices";

describe("listing, searching and conditional requests over HTTP", () => {
  let harness: TestHost;
  let tenant: TestTenant;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    harness = await startTestHost();
    tenant = await harness.createTenant("listing");
    scim = scimClient(tenant);
    for (const name of ["delta", "Alpha", "charlie", "bravo", "echo"]) {
      await scim("POST", "/Users", { userName: `${name}@x.com`, title: name.length > 4 ? "long" : "short" });
    }
  });

  afterAll(() => harness.close());

  it("sorts with sortBy and sortOrder, refusing an unknown order", async () => {
    const sorted = await scim(
      "GET",
      "/Users?sortBy=userName&sortOrder=descending&count=2&attributes=userName",
    );
    expect(sorted.body.Resources.map((user: { userName: string }) => user.userName)).toEqual([
      "echo@x.com",
      "delta@x.com",
    ]);
    expect(sorted.body.totalResults).toBe(5);
    expect((await scim("GET", "/Users?sortBy=userName&sortOrder=sideways")).body.scimType).toBe(
      "invalidValue",
    );
  });

  it("pages with cursor and nextCursor (RFC 9865)", async () => {
    const first = await scim("GET", "/Users?cursor&count=2");
    expect(first.body.Resources).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await scim("GET", `/Users?cursor=${encodeURIComponent(first.body.nextCursor)}&count=10`);
    expect(second.body.Resources).toHaveLength(3);
    expect(second.body.nextCursor).toBeUndefined();
    expect((await scim("GET", "/Users?cursor=garbage")).body).toMatchObject({
      status: "400",
      scimType: "invalidCursor",
    });
  });

  it("searches with POST /.search", async () => {
    const search = await scim("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'title eq "long"',
      attributes: ["userName"],
      sortBy: "userName",
      startIndex: 1,
      count: 10,
    });
    expect(search.status).toBe(200);
    expect(search.body.Resources.map((user: { userName: string }) => user.userName)).toEqual([
      "Alpha@x.com",
      "bravo@x.com",
      "charlie@x.com",
      "delta@x.com",
    ]);
    expect(search.body.Resources[0].title).toBeUndefined();
  });

  it("answers If-None-Match with 304 and If-Match with 412 when stale", async () => {
    const user = (await scim("GET", "/Users?filter=userName+eq+%22echo%40x.com%22")).body.Resources[0];
    const etag = user.meta.version as string;
    const unchanged = await scim("GET", `/Users/${user.id}`, undefined, { "If-None-Match": etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("etag")).toBe(etag);
    const body = { Operations: [{ op: "replace", path: "title", value: "changed" }] };
    expect((await scim("PATCH", `/Users/${user.id}`, body, { "If-Match": etag })).status).toBe(200);
    expect((await scim("PATCH", `/Users/${user.id}`, body, { "If-Match": etag })).status).toBe(412);
    expect((await scim("GET", `/Users/${user.id}`, undefined, { "If-None-Match": etag })).status).toBe(200);
  });

  it("advertises sorting, both pagination methods and the page limits", async () => {
    const config = await scim("GET", "/ServiceProviderConfig");
    expect(config.body).toMatchObject({
      sort: { supported: true },
      etag: { supported: true },
      filter: { supported: true, maxResults: 1000 },
      pagination: { cursor: true, index: true, defaultPageSize: 100, maxPageSize: 1000 },
    });
  });
});
