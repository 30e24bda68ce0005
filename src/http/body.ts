import type { HttpRequest } from "@azure/functions";
import { badRequest, ScimError } from "../scim/errors";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../scim/jsonDepth";

/** Largest request body accepted; a SCIM user is a few KiB, Entra never sends more than a few dozen. */
export const MAX_BODY_BYTES = 256 * 1024;

function tooLarge(): ScimError {
  return new ScimError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads a JSON body (application/scim+json or application/json) with a size limit. */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  const text = utf8.decode(bytes);
  if (text.trim() === "") throw badRequest("invalidSyntax", "The request needs a JSON body.");
  if (nestsDeeperThan(text)) {
    throw badRequest(
      "invalidSyntax",
      `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels (the JSON depth limit).`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("invalidSyntax", "The request body is not valid JSON.");
  }
}
