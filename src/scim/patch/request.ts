import { z } from "zod";
import { badRequest } from "../errors";
import { isPlainObject } from "../resource/types";

export type PatchVerb = "add" | "replace" | "remove";

export interface PatchOperation {
  readonly op: PatchVerb;
  readonly path?: string;
  readonly value?: unknown;
}

const MAX_PATCH_OPERATIONS = 1000;

const operationSchema = z.object({
  // Entra's default dialect capitalises op ("Replace"); RFC clients send lowercase.
  op: z
    .string()
    .transform((op) => op.toLowerCase())
    .pipe(z.enum(["add", "replace", "remove"])),
  path: z.string().optional(),
  value: z.unknown().optional(),
});

const envelopeSchema = z.object({
  Operations: z.array(z.unknown()).min(1).max(MAX_PATCH_OPERATIONS),
});

/** Key lookup that ignores case, as SCIM attribute and message names are case-insensitive. */
function withCanonicalKeys(
  value: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const canonical = names.find((name) => name.toLowerCase() === key.toLowerCase());
    if (canonical) result[canonical] = entry;
  }
  return result;
}

/** Validates a PatchOp message (RFC 7644 §3.5.2) and returns its operations. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw badRequest("invalidSyntax", "The PATCH body must be a JSON object.");
  const envelope = envelopeSchema.safeParse(withCanonicalKeys(body, ["Operations"]));
  if (!envelope.success) {
    throw badRequest(
      "invalidSyntax",
      `A PatchOp needs an 'Operations' array of 1 to ${MAX_PATCH_OPERATIONS} operations.`,
    );
  }
  return envelope.data.Operations.map((raw, index) => {
    const parsed = isPlainObject(raw)
      ? operationSchema.safeParse(withCanonicalKeys(raw, ["op", "path", "value"]))
      : undefined;
    if (!parsed?.success) {
      throw badRequest(
        "invalidSyntax",
        `Operation ${index + 1} needs 'op' of add, replace or remove and an optional string 'path'.`,
      );
    }
    const { op, path, value } = parsed.data;
    return { op, ...(path === undefined ? {} : { path }), value };
  });
}
