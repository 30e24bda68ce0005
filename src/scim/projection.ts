import type { ScimResource } from "./render";
import type { ResourceType } from "./schema/resourceType";
import type { ResolvedAttribute } from "./schema/types";
import { isPlainObject } from "./resource/types";

export interface Projection {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

interface Selected {
  readonly target: ResolvedAttribute;
  readonly sub?: string;
}

/** Attributes that are returned whatever the client asks (RFC 7643 §7 `returned: always`). */
const ALWAYS = new Set(["schemas", "id"]);

function parseList(type: ResourceType, list: string): Selected[] {
  return list
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .flatMap((item): Selected[] => {
      const colon = item.lastIndexOf(":");
      const schema = colon >= 0 ? item.slice(0, colon) : undefined;
      const [attribute = "", sub] = (colon >= 0 ? item.slice(colon + 1) : item).split(".");
      const target = type.resolve({ ...(schema ? { schema } : {}), attribute });
      if (!target) return [];
      const subDefinition =
        sub === undefined
          ? undefined
          : target.attribute.subAttributes?.find((s) => s.name.toLowerCase() === sub.toLowerCase());
      return [{ target, ...(subDefinition ? { sub: subDefinition.name } : {}) }];
    });
}

function holderOf(resource: ScimResource, target: ResolvedAttribute): Record<string, unknown> | undefined {
  if (target.core) return resource;
  const extension = resource[target.schema];
  return isPlainObject(extension) ? extension : undefined;
}

function pickSub(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) {
    const picked = value
      .filter(isPlainObject)
      .filter((e) => sub in e)
      .map((e) => ({ [sub]: e[sub] }));
    return picked.length > 0 ? picked : undefined;
  }
  return isPlainObject(value) && sub in value ? { [sub]: value[sub] } : undefined;
}

function include(resource: ScimResource, selected: readonly Selected[]): ScimResource {
  const result: ScimResource = {};
  for (const key of ALWAYS) if (key in resource) result[key] = resource[key];
  for (const { target, sub } of selected) {
    const value = holderOf(resource, target)?.[target.attribute.name];
    const picked = sub === undefined ? value : pickSub(value, sub);
    if (picked === undefined) continue;
    const holder = target.core ? result : ((result[target.schema] ??= {}) as Record<string, unknown>);
    const existing = holder[target.attribute.name];
    holder[target.attribute.name] =
      isPlainObject(existing) && isPlainObject(picked) ? { ...existing, ...picked } : picked;
  }
  return result;
}

function exclude(resource: ScimResource, selected: readonly Selected[]): ScimResource {
  const result = structuredClone(resource);
  for (const { target, sub } of selected) {
    if (ALWAYS.has(target.attribute.name)) continue;
    const holder = holderOf(result, target);
    if (!holder) continue;
    const value = holder[target.attribute.name];
    if (sub === undefined) {
      delete holder[target.attribute.name];
    } else {
      const elements: unknown[] = Array.isArray(value) ? value : [value];
      for (const element of elements) if (isPlainObject(element)) delete element[sub];
    }
    if (!target.core && Object.keys(holder).length === 0) delete result[target.schema];
  }
  return result;
}

/** Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9); names are case-insensitive. */
export function project(type: ResourceType, resource: ScimResource, projection: Projection): ScimResource {
  if (projection.attributes !== undefined && projection.attributes.trim() !== "") {
    return include(resource, parseList(type, projection.attributes));
  }
  if (projection.excludedAttributes !== undefined && projection.excludedAttributes.trim() !== "") {
    return exclude(resource, parseList(type, projection.excludedAttributes));
  }
  return resource;
}
