import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { TableTransactionEntityResponse, TransactionAction } from "@azure/data-tables";
import { TOMBSTONE_PROPERTY } from "./rows";

/**
 * Table Storage deletes an entity inside a transaction under an `If-Match` ETag like anywhere else,
 * but `TableClient.submitTransaction` (13.3.2, the latest) sends every `delete` action with
 * `If-Match: *`: its action tuple has no room for options. A delete that must fail when the row
 * changed since it was read (a membership add landed on it) is therefore written as what the SDK
 * does guard, a Replace with the ETag, of a tombstone carrying this mark; the policy below turns
 * that sub-request into a DELETE with the same `If-Match` before the batch leaves.
 *
 * Fails safe: on a client without the policy the sub-request stays a guarded tombstone write (the
 * row reads as missing), and `deletedInTransaction` says so, so the caller removes it afterwards.
 */
export const GUARDED_DELETE_MARK = "deleteUnderEtag";

/** A transaction action deleting the row if its ETag is still `etag` (the whole transaction fails otherwise). */
export function guardedDeleteAction(partitionKey: string, rowKey: string, etag: string): TransactionAction {
  return [
    "update",
    { partitionKey, rowKey, [TOMBSTONE_PROPERTY]: true, [GUARDED_DELETE_MARK]: true },
    "Replace",
    { etag },
  ];
}

/** A delete answers without an ETag; the tombstone write the policy did not rewrite answers with one. */
export function deletedInTransaction(subResponse: TableTransactionEntityResponse | undefined): boolean {
  return subResponse !== undefined && subResponse.etag === undefined;
}

// One sub-request of the batch body as the SDK writes it: the request line, its headers (the JSON
// Content-Type first), a blank line, then the entity on one line, the mark among its properties.
const MARKED_REPLACE = new RegExp(
  String.raw`PUT (\S+) HTTP/1\.1\r\nContent-Type: application/json\r\n((?:[^\r\n]+\r\n)*?If-Match: [^\r\n]+\r\n)\r\n\r\n\{[^\r\n]*"${GUARDED_DELETE_MARK}":true[^\r\n]*\}`,
  "g",
);

/** Rewrites the marked sub-requests of a transaction's batch body into DELETEs under the same If-Match. */
export function rewriteGuardedDeletes(body: string): string {
  if (!body.includes(GUARDED_DELETE_MARK)) return body;
  return body.replace(MARKED_REPLACE, (_match, url: string, headers: string) => {
    return `DELETE ${url} HTTP/1.1\r\n${headers}\r\n`;
  });
}

export const guardedDeletePolicy: PipelinePolicy = {
  name: "scimGuardedTransactionDelete",
  sendRequest: (request, next) => {
    if (typeof request.body === "string" && request.url.includes("$batch"))
      request.body = rewriteGuardedDeletes(request.body);
    return next(request);
  },
};
