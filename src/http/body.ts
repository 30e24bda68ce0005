import type { HttpRequest } from "@azure/functions";
import { badRequest, ScimError } from "../scim/errors";
import { BodyTooLargeError, readBoundedText } from "./boundedBody";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../scim/jsonDepth";

/** Largest request body accepted; a SCIM user is a few KiB, Entra never sends more than a few dozen. */
export const MAX_BODY_BYTES = 256 * 1024;

function tooLarge(): ScimError {
  return new ScimError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
}

async function readText(request: HttpRequest): Promise<string> {
  try {
    return await readBoundedText(request, MAX_BODY_BYTES);
  } catch (error) {
    throw error instanceof BodyTooLargeError ? tooLarge() : error;
  }
}

/** Reads a JSON body (application/scim+json or application/json), refused while reading once over the limit. */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const text = await readText(request);
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
