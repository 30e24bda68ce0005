import { scimClient, startTestHost, type TestHost } from "../support/testServices";
import { patch, type Scim } from "./support/harness";

/**
 * A table an operator deleted (or a storage account swapped under the app) answers 404 TableNotFound.
 * That is a storage fault, not a missing resource: a 404 would tell Entra the user is gone.
 */
describe("the resources table deleted under a running connector", () => {
  let harness: TestHost;
  let scim: Scim;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    harness = await startTestHost();
    const tenant = await harness.createTenant("notable");
    scim = scimClient(tenant);
    userId = (await scim("POST", "/Users", { userName: "kept@x.com" })).body.id;
    groupId = (await scim("POST", "/Groups", { displayName: "Kept" })).body.id;
    await harness.services.tables.resources.deleteTable();
  });

  afterAll(() => harness.close());

  // {user} and {group} stand for ids created before the table went. Every row has three elements:
  // a shorter one would make jest pass a done callback as the body.
  it.each<[string, string, object | undefined]>([
    ["GET", "/Users/{user}", undefined],
    ["GET", `/Users?filter=${encodeURIComponent('userName eq "kept@x.com"')}`, undefined],
    ["GET", "/Users", undefined],
    ["POST", "/Users", { userName: "new@x.com" }],
    ["PATCH", "/Users/{user}", patch({ op: "replace", path: "displayName", value: "x" })],
    ["PUT", "/Users/{user}", { userName: "kept@x.com" }],
    ["DELETE", "/Users/{user}", undefined],
    ["GET", "/Groups/{group}", undefined],
    ["POST", "/Groups", { displayName: "New" }],
    ["PATCH", "/Groups/{group}", patch({ op: "add", path: "members", value: [{ value: "{user}" }] })],
    ["DELETE", "/Groups/{group}", undefined],
  ])("answers %s %s with 503 and Retry-After", async (method, path, body) => {
    const withIds = (text: string) => text.replaceAll("{user}", userId).replaceAll("{group}", groupId);
    const response = await scim(
      method,
      withIds(path),
      body === undefined ? undefined : JSON.parse(withIds(JSON.stringify(body))),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
  });
});
