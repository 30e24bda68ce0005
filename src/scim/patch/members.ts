import { badRequest } from "../errors";
import type { Filter } from "../filter/ast";
import { coerceAttributeValue } from "../resource/coerce";
import { isPlainObject } from "../resource/types";
import type { ResourceType } from "../schema/resourceType";
import type { AttributeDefinition } from "../schema/types";
import type { PatchOperation } from "./request";
import { resolvePatchTarget } from "./target";

/** A change to a group's members, applied to membership rows rather than to the group document. */
export type MemberChange =
  | { readonly kind: "add"; readonly ids: readonly string[] }
  | { readonly kind: "remove"; readonly ids: readonly string[] }
  | { readonly kind: "removeWhere"; readonly filter: Filter }
  | { readonly kind: "replace"; readonly ids: readonly string[] };

/**
 * Most member removals by a filter other than ids (`members[display eq "x"]`) in one PATCH: each
 * reads the group's whole member list (100,000 members is a supported size). Entra removes members
 * by id, which costs one row each and is not limited here.
 */
export const MAX_FILTERED_MEMBER_REMOVALS = 1;

export interface SplitPatch {
  /** Operations on the group's own attributes, for the PATCH engine. */
  readonly attributes: PatchOperation[];
  /** Membership changes, in request order. */
  readonly members: MemberChange[];
}

function memberIds(definition: AttributeDefinition, value: unknown): string[] {
  const elements = coerceAttributeValue(definition, value, "members");
  if (elements === undefined) return [];
  return (elements as unknown[]).map((element) => {
    const id = isPlainObject(element) ? element.value : undefined;
    if (typeof id !== "string" || id === "") {
      throw badRequest("invalidValue", "Every member needs a 'value' holding the id of a user or group.");
    }
    return id;
  });
}

/** `value eq "a"`, or such equalities joined by `or`: the ids they name. */
function idsNamedBy(filter: Filter): string[] | undefined {
  if (filter.kind === "or") {
    const left = idsNamedBy(filter.left);
    const right = idsNamedBy(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const isValue =
    filter.kind === "compare" && filter.path.attribute.toLowerCase() === "value" && !filter.path.subAttribute;
  return isValue && filter.op === "eq" && typeof filter.value === "string" ? [filter.value] : undefined;
}

function isMembers(type: ResourceType, name: string): boolean {
  return type.resolve({ attribute: name })?.attribute.name === "members";
}

function memberChange(type: ResourceType, operation: PatchOperation): MemberChange | undefined {
  if (operation.path === undefined) return undefined;
  const target = resolvePatchTarget(type, operation.path);
  if (target.kind !== "attribute" || target.attribute.attribute.name !== "members") return undefined;
  if (target.subAttribute) {
    throw badRequest("mutability", "A member's sub-attributes cannot be changed; remove and add the member.");
  }
  const definition = target.attribute.attribute;
  const filter = target.valueFilter;
  if (operation.op === "remove") {
    if (filter) {
      const ids = idsNamedBy(filter);
      return ids ? { kind: "remove", ids } : { kind: "removeWhere", filter };
    }
    // Entra's default dialect: remove path "members" with a value list removes only those members.
    const ids = memberIds(definition, operation.value);
    return ids.length > 0 ? { kind: "remove", ids } : { kind: "replace", ids: [] };
  }
  const ids = filter ? (idsNamedBy(filter) ?? []) : memberIds(definition, operation.value);
  return operation.op === "add" ? { kind: "add", ids } : { kind: "replace", ids };
}

/**
 * Separates membership changes from attribute changes, so a one-member PATCH of a group with
 * 100,000 members writes two rows instead of reading and rewriting the member list.
 * A path-less value's `members` key becomes its own operation.
 */
export function splitMemberOperations(type: ResourceType, operations: readonly PatchOperation[]): SplitPatch {
  const attributes: PatchOperation[] = [];
  const members: MemberChange[] = [];
  for (const operation of operations) {
    if (operation.path === undefined && operation.op !== "remove" && isPlainObject(operation.value)) {
      const { rest, membersValue } = withoutMembers(type, operation.value);
      if (membersValue !== undefined) {
        const change = memberChange(type, { op: operation.op, path: "members", value: membersValue });
        if (change) members.push(change);
      }
      if (Object.keys(rest).length > 0) attributes.push({ ...operation, value: rest });
      continue;
    }
    const change = memberChange(type, operation);
    if (change) members.push(change);
    else attributes.push(operation);
  }
  if (members.filter((change) => change.kind === "removeWhere").length > MAX_FILTERED_MEMBER_REMOVALS) {
    throw badRequest(
      "invalidValue",
      `A PATCH may remove members by a filter other than their ids at most ${MAX_FILTERED_MEMBER_REMOVALS} time ` +
        "(the filtered-member-removal limit); remove members by id.",
    );
  }
  return { attributes, members };
}

function withoutMembers(
  type: ResourceType,
  value: Record<string, unknown>,
): { rest: Record<string, unknown>; membersValue: unknown } {
  const rest: Record<string, unknown> = {};
  let membersValue: unknown;
  for (const [key, entry] of Object.entries(value)) {
    if (isMembers(type, key)) membersValue = entry;
    else rest[key] = entry;
  }
  return { rest, membersValue };
}
