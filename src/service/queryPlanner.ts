import type { Filter } from "../scim/filter/ast";
import type { ResourceType } from "../scim/schema/resourceType";
import { ENTERPRISE_USER_SCHEMA } from "../scim/schema/urns";
import type { ResolvedAttribute } from "../scim/schema/types";
import type { Comparison } from "./repository";

/** How to find the candidates of a filter; the filter itself is still evaluated on each candidate. */
export type QueryPlan =
  | { readonly kind: "ids"; readonly ids: readonly string[] }
  | { readonly kind: "index"; readonly index: string; readonly value: string }
  | { readonly kind: "prefix"; readonly index: string; readonly prefix: string }
  | { readonly kind: "compare"; readonly index: string; readonly op: Comparison; readonly value: string }
  | { readonly kind: "union"; readonly plans: readonly QueryPlan[] }
  | { readonly kind: "scan" };

const SCAN: QueryPlan = { kind: "scan" };

/**
 * Most index reads one `or` may become. Each read is a storage round trip (a range read for `sw`,
 * `gt`, emails...); past this a wide `or` is one scan of the tenant instead of N reads.
 */
export const MAX_UNION_READS = 16;

/** Longer `sw` prefixes scan instead: long index keys are shortened with a hash, which breaks prefixes. */
const MAX_PREFIX_LENGTH = 100;

/** Which index answers `attribute eq value`, and how the index normalises values. */
function indexFor(
  type: ResourceType,
  target: ResolvedAttribute,
): { index: string; lower: boolean } | undefined {
  const name = target.attribute.name;
  const sub = target.subAttribute?.name;
  if (target.core && name === "externalId") return { index: "externalId", lower: false };
  if (type.name === "User") {
    if (target.core && name === "userName") return { index: "userName", lower: true };
    if (target.core && name === "emails" && (sub === undefined || sub === "value"))
      return { index: "email", lower: true };
    if (
      target.schema === ENTERPRISE_USER_SCHEMA &&
      name === "manager" &&
      (sub === undefined || sub === "value")
    ) {
      return { index: "manager", lower: false };
    }
  }
  if (type.name === "Group" && target.core && name === "displayName")
    return { index: "displayName", lower: true };
  return undefined;
}

function planPrefix(type: ResourceType, target: ResolvedAttribute | undefined, prefix: string): QueryPlan {
  const found = target ? indexFor(type, target) : undefined;
  if (!found || prefix.length > MAX_PREFIX_LENGTH) return SCAN;
  return { kind: "prefix", index: found.index, prefix: found.lower ? prefix.toLowerCase() : prefix };
}

function isComparison(op: string): op is Comparison {
  return op === "gt" || op === "ge" || op === "lt" || op === "le";
}

function planComparison(
  type: ResourceType,
  target: ResolvedAttribute | undefined,
  op: Comparison,
  value: string,
): QueryPlan {
  const found = target ? indexFor(type, target) : undefined;
  if (!found) return SCAN;
  return { kind: "compare", index: found.index, op, value: found.lower ? value.toLowerCase() : value };
}

function planEquality(type: ResourceType, target: ResolvedAttribute | undefined, value: string): QueryPlan {
  if (!target) return SCAN;
  if (target.core && target.attribute.name === "id" && !target.subAttribute)
    return { kind: "ids", ids: [value] };
  const found = indexFor(type, target);
  if (!found) return SCAN;
  return { kind: "index", index: found.index, value: found.lower ? value.toLowerCase() : value };
}

/** Equalities on the element's `value` inside `emails[...]` can use the email index. */
function planValuePath(
  type: ResourceType,
  filter: Extract<Filter, { kind: "valuePath" }>,
  inner: Filter,
): QueryPlan {
  if (inner.kind === "and") {
    return preferred(planValuePath(type, filter, inner.left), planValuePath(type, filter, inner.right));
  }
  if (inner.kind !== "compare" || typeof inner.value !== "string") return SCAN;
  const target = type.resolve({
    ...(filter.path.schema === undefined ? {} : { schema: filter.path.schema }),
    attribute: filter.path.attribute,
    subAttribute: inner.path.subAttribute ?? inner.path.attribute,
  });
  if (inner.op === "eq") return planEquality(type, target, inner.value);
  return inner.op === "sw" ? planPrefix(type, target, inner.value) : SCAN;
}

const RANK: Record<QueryPlan["kind"], number> = {
  ids: 0,
  index: 1,
  prefix: 2,
  compare: 3,
  union: 4,
  scan: 5,
};

function preferred(left: QueryPlan, right: QueryPlan): QueryPlan {
  return RANK[right.kind] < RANK[left.kind] ? right : left;
}

/**
 * Plans a filter against the indexes: equality (`eq`), prefix (`sw`) and comparisons (`gt ge lt le`,
 * filtered by the store on the index rows) on id, userName,
 * externalId, emails, manager or a group's displayName become point or range reads, also inside
 * `and` (the most selective side) and `or` (every side, up to MAX_UNION_READS reads). Anything else
 * scans the tenant's partition. Reads that name too many resources fall back to the scan too (see
 * candidates), so a plan never costs much more than the scan it replaces.
 */
export function planQuery(type: ResourceType, filter: Filter): QueryPlan {
  switch (filter.kind) {
    case "compare":
      if (typeof filter.value !== "string") return SCAN;
      if (filter.op === "eq") return planEquality(type, type.resolve(filter.path), filter.value);
      if (filter.op === "sw") return planPrefix(type, type.resolve(filter.path), filter.value);
      if (isComparison(filter.op))
        return planComparison(type, type.resolve(filter.path), filter.op, filter.value);
      return SCAN;
    case "valuePath":
      return planValuePath(type, filter, filter.filter);
    case "and":
      return preferred(planQuery(type, filter.left), planQuery(type, filter.right));
    case "or": {
      const plans = [planQuery(type, filter.left), planQuery(type, filter.right)].flatMap((plan) =>
        plan.kind === "union" ? plan.plans : [plan],
      );
      if (plans.some((plan) => plan.kind === "scan") || plans.length > MAX_UNION_READS) return SCAN;
      return { kind: "union", plans };
    }
    default:
      return SCAN;
  }
}
