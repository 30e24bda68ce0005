import { badRequest } from "../errors";
import { isPlainObject } from "../resource/types";
import type { ResourceType } from "../schema/resourceType";
import type { PatchOperation, PatchVerb } from "./request";
import { resolvePatchTarget, type PatchTarget } from "./target";

export interface TargetedOperation {
  readonly verb: PatchVerb;
  readonly target: PatchTarget;
  readonly value: unknown;
}

/** Keys of a path-less value that the server owns; clients (and Entra) may echo them back. */
const SERVER_OWNED = new Set(["schemas", "id", "meta"]);

function isReadOnly(target: PatchTarget): boolean {
  return target.kind === "attribute" && target.attribute.attribute.mutability === "readOnly";
}

/** Resolves a key of a path-less value; unknown or server-owned keys are skipped, not refused. */
function tryTarget(type: ResourceType, path: string): PatchTarget | undefined {
  try {
    const target = resolvePatchTarget(type, path);
    return isReadOnly(target) ? undefined : target;
  } catch {
    return undefined;
  }
}

/**
 * A path-less add/replace, or one whose path is an extension URN, carries an object of attributes.
 * Entra's aadOptscim062020 dialect puts dotted and URN-qualified keys in it
 * (`"name.givenName"`, `"urn:…:enterprise:2.0:User:employeeNumber"`); each key becomes its own
 * operation, so `name.givenName` updates `name` instead of being stored under a literal key.
 */
function expandObject(
  type: ResourceType,
  verb: PatchVerb,
  value: Record<string, unknown>,
  prefix: string,
): TargetedOperation[] {
  const operations: TargetedOperation[] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (prefix === "" && SERVER_OWNED.has(key.toLowerCase())) continue;
    const path = prefix === "" ? key : `${prefix}:${key}`;
    const extension = prefix === "" ? type.extensionByUrn(key) : undefined;
    if (extension && isPlainObject(entry)) {
      operations.push(...expandObject(type, verb, entry, extension.id));
      continue;
    }
    const target = tryTarget(type, path);
    if (target) operations.push({ verb, target, value: entry });
    else if (entry !== null) type.refuseUndeclared(path);
  }
  return operations;
}

export function expandOperations(
  type: ResourceType,
  operations: readonly PatchOperation[],
): TargetedOperation[] {
  return operations.flatMap((operation): TargetedOperation[] => {
    const { op: verb, path, value } = operation;
    if (path === undefined || path.trim() === "") {
      if (verb === "remove") throw badRequest("noTarget", "A remove operation needs a path.");
      if (!isPlainObject(value)) {
        throw badRequest(
          "invalidValue",
          `A ${verb} without a path needs an object of attributes as its value.`,
        );
      }
      return expandObject(type, verb, value, "");
    }
    const extension = type.extensionByUrn(path);
    if (extension && verb !== "remove" && isPlainObject(value)) {
      return expandObject(type, verb, value, extension.id);
    }
    return [{ verb, target: resolvePatchTarget(type, path), value }];
  });
}
