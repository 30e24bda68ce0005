import { badRequest } from "../errors";
import { isPlainObject } from "../resource/types";

export type PatchVerb = "add" | "replace" | "remove";

export interface PatchOperation {
  readonly op: PatchVerb;
  readonly path?: string;
  readonly value?: unknown;
}

export const MAX_PATCH_OPERATIONS = 1000;

const VERBS: ReadonlySet<string> = new Set<PatchVerb>(["add", "replace", "remove"]);

/** Canonical names by their lower-cased form. */
type CanonicalNames = ReadonlyMap<string, string>;

const canonical = (...names: string[]): CanonicalNames =>
  new Map(names.map((name) => [name.toLowerCase(), name]));

const ENVELOPE_NAMES = canonical("Operations");
const OPERATION_NAMES = canonical("op", "path", "value");

/** Key lookup that ignores case, as SCIM attribute and message names are case-insensitive. */
function withCanonicalKeys(value: Record<string, unknown>, names: CanonicalNames): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const name = names.get(key.toLowerCase());
    if (name !== undefined) result[name] = entry;
  }
  return result;
}

/**
 * One operation: `op` any case of add, replace or remove (Entra's default dialect capitalises it),
 * `path` absent or a string, `value` anything. Checked by hand: it runs for every operation of every
 * PATCH, and a schema library costs several times the work here.
 */
function parseOperation(raw: unknown): PatchOperation | undefined {
  if (!isPlainObject(raw)) return undefined;
  const { op, path, value } = withCanonicalKeys(raw, OPERATION_NAMES);
  const verb = typeof op === "string" ? op.toLowerCase() : undefined;
  if (verb === undefined || !VERBS.has(verb)) return undefined;
  if (path !== undefined && typeof path !== "string") return undefined;
  return { op: verb as PatchVerb, ...(path === undefined ? {} : { path }), value };
}

/** Validates a PatchOp message (RFC 7644 §3.5.2) and returns its operations. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw badRequest("invalidSyntax", "The PATCH body must be a JSON object.");
  const { Operations: operations } = withCanonicalKeys(body, ENVELOPE_NAMES);
  if (!Array.isArray(operations) || operations.length < 1 || operations.length > MAX_PATCH_OPERATIONS) {
    throw badRequest(
      "invalidSyntax",
      `A PatchOp needs an 'Operations' array of 1 to ${MAX_PATCH_OPERATIONS} operations.`,
    );
  }
  return operations.map((raw: unknown, index) => {
    const operation = parseOperation(raw);
    if (!operation) {
      throw badRequest(
        "invalidSyntax",
        `Operation ${index + 1} needs 'op' of add, replace or remove and an optional string 'path'.`,
      );
    }
    return operation;
  });
}
