import { badRequest } from "../scim/errors";

/** What a key in a continuation token may hold: it is sent as a header, and storage's are printable ASCII. */
const KEY = /^[\x20-\x7e]{1,1024}$/;

function parsed(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, "base64").toString("latin1"));
  } catch {
    return undefined;
  }
}

/**
 * Refuses a continuation token that the Table SDK would fail on (it decodes base64 JSON and sends
 * its keys, opaque to us, as headers) with 400 `invalidCursor`: a client's malformed cursor is its
 * error, never a storage fault. (Every query also names its partition, so a token cannot lead
 * outside the tenant.)
 */
export function checkContinuationToken(token: string): void {
  const value = parsed(token);
  const fields = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const { nextPartitionKey, nextRowKey } = fields;
  const valid =
    Object.keys(fields).every((key) => key === "nextPartitionKey" || key === "nextRowKey") &&
    typeof nextPartitionKey === "string" &&
    KEY.test(nextPartitionKey) &&
    (nextRowKey === undefined || (typeof nextRowKey === "string" && KEY.test(nextRowKey)));
  if (!valid) throw badRequest("invalidCursor", "The cursor is not one this server issued.");
}
