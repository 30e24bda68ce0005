import { badRequest } from "../errors";
import type { Filter } from "../filter/ast";
import { parsePatchPath } from "../filter/parser";
import { findByName, type ResourceType } from "../schema/resourceType";
import type { AttributeDefinition, ResolvedAttribute, SchemaDefinition } from "../schema/types";
import { booleanOf } from "../resource/boolean";

/** Where a PATCH operation points, resolved against the resource type. */
export type PatchTarget =
  | { readonly kind: "extension"; readonly schema: SchemaDefinition }
  | {
      readonly kind: "attribute";
      readonly attribute: ResolvedAttribute;
      readonly subAttribute?: AttributeDefinition;
      readonly valueFilter?: Filter;
    };

export function describeTarget(target: PatchTarget): string {
  if (target.kind === "extension") return target.schema.id;
  const { attribute, subAttribute } = target.attribute.core
    ? { attribute: target.attribute.attribute.name, subAttribute: target.subAttribute?.name }
    : {
        attribute: `${target.attribute.schema}:${target.attribute.attribute.name}`,
        subAttribute: target.subAttribute?.name,
      };
  return subAttribute === undefined ? attribute : `${attribute}.${subAttribute}`;
}

/**
 * Entra writes value paths such as `roles[primary eq "True"].value` (its app-role mapping target):
 * in a PATCH path, "True"/"False" compared with a boolean sub-attribute mean the booleans.
 */
function withBooleanLiterals(filter: Filter, owner: AttributeDefinition): Filter {
  switch (filter.kind) {
    case "and":
    case "or":
      return {
        ...filter,
        left: withBooleanLiterals(filter.left, owner),
        right: withBooleanLiterals(filter.right, owner),
      };
    case "not":
      return { ...filter, filter: withBooleanLiterals(filter.filter, owner) };
    case "compare": {
      const sub = findByName(owner.subAttributes ?? [], filter.path.attribute);
      const literal = typeof filter.value === "string" ? booleanOf(filter.value) : undefined;
      if (sub?.type !== "boolean" || literal === undefined) return filter;
      return { ...filter, value: literal };
    }
    default:
      return filter;
  }
}

/** Resolves a PATCH `path` (attribute names case-insensitive); unknown attributes are invalidPath. */
export function resolvePatchTarget(type: ResourceType, path: string): PatchTarget {
  const extension = type.extensionByUrn(path);
  if (extension) return { kind: "extension", schema: extension };
  const parsed = parsePatchPath(path);
  const attribute = type.resolve({ ...parsed.path, subAttribute: undefined });
  if (!attribute && parsed.path.schema !== undefined) type.refuseUndeclared(path);
  if (!attribute) throw badRequest("invalidPath", `The path '${path}' names no attribute of a ${type.name}.`);
  const subName = parsed.path.subAttribute;
  let subAttribute: AttributeDefinition | undefined;
  if (subName !== undefined) {
    subAttribute = findByName(attribute.attribute.subAttributes ?? [], subName);
    if (!subAttribute) {
      throw badRequest("invalidPath", `'${attribute.attribute.name}' has no sub-attribute '${subName}'.`);
    }
  }
  if (parsed.valueFilter && !attribute.attribute.multiValued) {
    throw badRequest("invalidPath", `A value filter needs a multi-valued attribute; '${path}' is not one.`);
  }
  const valueFilter = parsed.valueFilter && withBooleanLiterals(parsed.valueFilter, attribute.attribute);
  return {
    kind: "attribute",
    attribute,
    ...(subAttribute ? { subAttribute } : {}),
    ...(valueFilter ? { valueFilter } : {}),
  };
}
