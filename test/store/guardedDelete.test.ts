import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { AppServices } from "../../src/app/composition";
import {
  deletedInTransaction,
  GUARDED_DELETE_MARK,
  guardedDeleteAction,
  rewriteGuardedDeletes,
} from "../../src/store/guardedDelete";
import { createTestServices } from "../support/testServices";

/** A batch body in the shape the SDK writes: one marked Replace, one plain Replace, one delete. */
function batchBody(): string {
  const part = (lines: string[]) =>
    [
      "--changeset_1",
      "content-type: application/http",
      "content-transfer-encoding: binary",
      "",
      ...lines,
    ].join("\r\n");
  return [
    part([
      "PUT http://127.0.0.1/t(PartitionKey='p',RowKey='a') HTTP/1.1",
      "Content-Type: application/json",
      "DataServiceVersion: 3.0",
      "Accept: application/json",
      `If-Match: W/"datetime'1'"`,
      "\r\n",
      `{"PartitionKey":"p","RowKey":"a","deleted":true,"${GUARDED_DELETE_MARK}":true}`,
    ]),
    part([
      "PUT http://127.0.0.1/t(PartitionKey='p',RowKey='b') HTTP/1.1",
      "Content-Type: application/json",
      `If-Match: W/"datetime'2'"`,
      "\r\n",
      `{"PartitionKey":"p","RowKey":"b","title":"kept"}`,
    ]),
    part(["DELETE http://127.0.0.1/t(PartitionKey='p',RowKey='c') HTTP/1.1", "If-Match: *", "\r\n"]),
    "--changeset_1--",
  ].join("\r\n");
}

describe("rewriteGuardedDeletes", () => {
  it("turns only the marked Replace into a DELETE under the same If-Match, without a body", () => {
    const rewritten = rewriteGuardedDeletes(batchBody());
    expect(rewritten).toContain(
      "DELETE http://127.0.0.1/t(PartitionKey='p',RowKey='a') HTTP/1.1\r\n" +
        `DataServiceVersion: 3.0\r\nAccept: application/json\r\nIf-Match: W/"datetime'1'"\r\n\r\n\r\n--changeset_1`,
    );
    expect(rewritten).not.toContain(GUARDED_DELETE_MARK);
    expect(rewritten).toContain(`PUT http://127.0.0.1/t(PartitionKey='p',RowKey='b') HTTP/1.1`);
    expect(rewritten).toContain(`{"PartitionKey":"p","RowKey":"b","title":"kept"}`);
    expect(rewritten).toContain(
      "DELETE http://127.0.0.1/t(PartitionKey='p',RowKey='c') HTTP/1.1\r\nIf-Match: *",
    );
  });

  it("leaves a Replace whose values only quote the mark alone (JSON escapes a string's quotes)", () => {
    const quoted = JSON.stringify({
      PartitionKey: "p",
      RowKey: "b",
      doc0: `{"${GUARDED_DELETE_MARK}":true}`,
    });
    const body = batchBody().replace(`{"PartitionKey":"p","RowKey":"b","title":"kept"}`, quoted);
    expect(rewriteGuardedDeletes(body)).toContain(
      `PUT http://127.0.0.1/t(PartitionKey='p',RowKey='b') HTTP/1.1`,
    );
    expect(rewriteGuardedDeletes(body)).toContain(quoted);
  });

  it("leaves a body without the mark as it is", () => {
    const body = batchBody().replace(`,"${GUARDED_DELETE_MARK}":true`, "");
    expect(rewriteGuardedDeletes(body)).toBe(body);
  });
});

describe("a guarded delete in a transaction, against Azurite", () => {
  let services: AppServices;
  let table: TableClient;
  let partitionKey: string;

  beforeAll(async () => {
    services = await createTestServices();
    table = services.tables.resources;
  });

  beforeEach(async () => {
    partitionKey = `guard-${randomUUID().slice(0, 8)}`;
    await table.createEntity({ partitionKey, rowKey: "row", value: 1 });
    await table.createEntity({ partitionKey, rowKey: "index", value: 1 });
  });

  async function keys(): Promise<string[]> {
    const found: string[] = [];
    for await (const entity of table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
    }))
      found.push(entity.rowKey ?? "");
    return found.sort();
  }

  it("deletes the row when its ETag still matches, with the other actions", async () => {
    const { etag } = await table.getEntity(partitionKey, "row");
    const response = await table.submitTransaction([
      guardedDeleteAction(partitionKey, "row", etag),
      ["delete", { partitionKey, rowKey: "index" }],
    ]);
    expect(deletedInTransaction(response.subResponses[0])).toBe(true);
    expect(await keys()).toEqual([]);
  });

  it("fails the whole transaction with 412 when the row changed since it was read", async () => {
    const { etag } = await table.getEntity(partitionKey, "row");
    await table.updateEntity({ partitionKey, rowKey: "row", value: 2 }, "Merge");
    const failed = table
      .submitTransaction([
        guardedDeleteAction(partitionKey, "row", etag),
        ["delete", { partitionKey, rowKey: "index" }],
      ])
      .catch((error: unknown) => (error as { statusCode?: number }).statusCode);
    expect(await failed).toBe(412);
    expect(await keys()).toEqual(["index", "row"]);
    expect((await table.getEntity(partitionKey, "row")).value).toBe(2);
  });
});
