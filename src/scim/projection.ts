import { badRequest } from "./errors";
import type { ScimResource } from "./render";
import type { ResourceType } from "./schema/resourceType";
import type { ResolvedAttribute } from "./schema/types";
import { isPlainObject } from "./resource/types";

/** `attributes` / `excludedAttributes` as the client sent them (comma-separated names). */
export interface Projection {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

interface Selected {
  readonly target: ResolvedAttribute;
  readonly sub?: string;
}

/**
 * A projection parsed and resolved against the resource type, once per request: every resource
 * of a response is then projected without reading the lists again.
 */
export interface AttributeSelection {
  readonly mode: "all" | "include" | "exclude";
  readonly selected: readonly Selected[];
}

export const ALL_ATTRIBUTES: AttributeSelection = { mode: "all", selected: [] };

/**
 * Most names one `attributes` or `excludedAttributes` list may hold. Entra sends none, or
 * `excludedAttributes=members`; every attribute and sub-attribute of a user with a tenant's 100
 * extension attributes is well under this.
 */
export const MAX_ATTRIBUTE_NAMES = 200;

/** Attributes that are returned whatever the client asks (RFC 7643 §7 `returned: always`). */
const ALWAYS = new Set(["schemas", "id"]);

function namesOf(parameter: string, list: string): string[] {
  const names = list
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (names.length > MAX_ATTRIBUTE_NAMES) {
    throw badRequest(
      "invalidValue",
      `'${parameter}' may name at most ${MAX_ATTRIBUTE_NAMES} attributes (the attribute-name limit).`,
    );
  }
  return names;
}

function resolveName(type: ResourceType, item: string): Selected[] {
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
}

/**
 * Parses and resolves `attributes` / `excludedAttributes` (RFC 7644 §3.9; names case-insensitive,
 * unknown names ignored). `attributes` wins when both are given. Refuses lists longer than
 * MAX_ATTRIBUTE_NAMES before resolving any name.
 */
export function selectAttributes(type: ResourceType, projection: Projection): AttributeSelection {
  const included = namesOf("attributes", projection.attributes ?? "");
  const excluded = namesOf("excludedAttributes", projection.excludedAttributes ?? "");
  if (included.length > 0)
    return { mode: "include", selected: included.flatMap((name) => resolveName(type, name)) };
  if (excluded.length > 0)
    return { mode: "exclude", selected: excluded.flatMap((name) => resolveName(type, name)) };
  return ALL_ATTRIBUTES;
}

function names(selection: AttributeSelection, attribute: string): boolean {
  return selection.selected.some((selected) => selected.target.attribute.name === attribute);
}

/** Whether a selection returns an attribute whose `returned` is default (a group's members). */
export function returnsDefault(selection: AttributeSelection, attribute: string): boolean {
  if (selection.mode === "include") return names(selection, attribute);
  return selection.mode === "all" || !names(selection, attribute);
}

/** Whether a selection asks for an attribute whose `returned` is request (a user's groups). */
export function requests(selection: AttributeSelection, attribute: string): boolean {
  return selection.mode === "include" && names(selection, attribute);
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

/** Removes a sub-attribute from each element, copying only what changes (values may nest deeply). */
function withoutSub(value: unknown, sub: string): unknown {
  const drop = (element: unknown) => {
    if (!isPlainObject(element) || !(sub in element)) return element;
    const { [sub]: _dropped, ...rest } = element;
    return rest;
  };
  return Array.isArray(value) ? value.map(drop) : drop(value);
}

function exclude(resource: ScimResource, selected: readonly Selected[]): ScimResource {
  // Shallow copies of what changes only: a deep clone of every resource would cost far more.
  const result: ScimResource = { ...resource };
  for (const { target, sub } of selected) {
    if (ALWAYS.has(target.attribute.name)) continue;
    const found = holderOf(result, target);
    if (!found || !(target.attribute.name in found)) continue;
    const holder = target.core ? result : { ...found };
    if (sub === undefined) delete holder[target.attribute.name];
    else holder[target.attribute.name] = withoutSub(holder[target.attribute.name], sub);
    if (target.core) continue;
    if (Object.keys(holder).length === 0) delete result[target.schema];
    else result[target.schema] = holder;
  }
  return result;
}

/** Applies a parsed `attributes` / `excludedAttributes` selection to one resource. */
export function project(resource: ScimResource, selection: AttributeSelection): ScimResource {
  if (selection.mode === "include") return include(resource, selection.selected);
  if (selection.mode === "exclude") return exclude(resource, selection.selected);
  return resource;
}
