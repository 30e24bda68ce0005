import { TableClient } from "@azure/data-tables";

describe("the Azurite that globalSetup starts", () => {
  it("serves the Table API on the connection string it exports", async () => {
    const connectionString = process.env.STORAGE_CONNECTION_STRING;
    expect(connectionString).toMatch(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+\//);
    const client = TableClient.fromConnectionString(connectionString!, "azuritesmoke", {
      allowInsecureConnection: true,
    });
    await client.createTable();
    await client.createEntity({ partitionKey: "p", rowKey: "r", value: "v" });
    const entity = await client.getEntity<{ value: string }>("p", "r");
    expect(entity.value).toBe("v");
  });
});
