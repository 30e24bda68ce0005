import type { HttpRequest } from "@azure/functions";
import type { z } from "zod";
import { ApiError } from "../events/apiError";

import { BodyTooLargeError, readBoundedText } from "./boundedBody";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * A small JSON body checked against `schema`: 413 above 16 KiB (counted while reading, so a chunked
 * body is never held whole), 400 naming the first problem.
 */
export async function jsonBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<T> {
  const text = await readBoundedText(request, MAX_BODY_BYTES).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError)
      throw new ApiError(413, "too_large", "The body is larger than 16 KiB.");
    throw error;
  });
  let value: unknown;
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_body", "The body is not JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ApiError(
      400,
      "invalid_body",
      `${first?.path.join(".") || "body"}: ${first?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}
