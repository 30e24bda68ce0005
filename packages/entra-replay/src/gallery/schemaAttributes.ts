import { isObject, prop, type JsonObject } from "../json";
import { CORE_GROUP, CORE_USER } from "../urns";

/**
 * /Schemas flattened the way Microsoft's Schema_Discoverability_Test compares it with the
 * attribute mapping: `name`, `name.sub`, and `urn:…:User:name` for extensions.
 */

export interface SchemaAttribute {
  /** Flattened name, e.g. `name.givenName`, `urn:…:User:department`. */
  readonly path: string;
  readonly type: string;
  readonly multiValued: boolean;
  readonly mutability: string;
  readonly canonicalValues: readonly string[];
  /** A complex attribute with a `$ref` or reference-typed sub-attribute (manager, members). */
  readonly reference: boolean;
}

function schemaResources(body: unknown): JsonObject[] {
  const resources = prop(body, "Resources");
  return Array.isArray(resources) ? resources.filter(isObject) : [];
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function describe(attribute: unknown, path: string, parentReference = false): SchemaAttribute {
  const subAttributes = prop(attribute, "subAttributes");
  const reference =
    parentReference ||
    prop(attribute, "type") === "reference" ||
    (Array.isArray(subAttributes) &&
      subAttributes.some((sub) => prop(sub, "name") === "$ref" || prop(sub, "type") === "reference"));
  const canonical = prop(attribute, "canonicalValues");
  return {
    path,
    type: text(prop(attribute, "type"), "string"),
    multiValued: prop(attribute, "multiValued") === true,
    mutability: text(prop(attribute, "mutability"), "readWrite"),
    canonicalValues: Array.isArray(canonical) ? canonical.map(String) : [],
    reference,
  };
}

/** Every attribute and sub-attribute of the schemas a resource type uses. */
export function flattenSchemas(body: unknown, resource: "User" | "Group"): SchemaAttribute[] {
  const core = resource === "User" ? CORE_USER : CORE_GROUP;
  const flat: SchemaAttribute[] = [];
  for (const schema of schemaResources(body)) {
    const id = text(prop(schema, "id"), "");
    const extension = id !== core && id.toLowerCase().endsWith(`:${resource.toLowerCase()}`);
    if (id !== core && !extension) continue;
    const prefix = id === core ? "" : `${id}:`;
    const attributes = prop(schema, "attributes");
    for (const attribute of Array.isArray(attributes) ? attributes : []) {
      const name = `${prefix}${text(prop(attribute, "name"), "")}`;
      const parent = describe(attribute, name);
      flat.push(parent);
      const subAttributes = prop(attribute, "subAttributes");
      for (const sub of Array.isArray(subAttributes) ? subAttributes : [])
        flat.push({
          ...describe(sub, `${name}.${text(prop(sub, "name"), "")}`, parent.reference),
          multiValued: parent.multiValued,
        });
    }
  }
  return flat;
}

/** A mapping target as /Schemas names it: `emails[type eq "work"].value` → `emails.value`. */
export function schemaPath(target: string): string {
  return target.replace(/\[[^\]]*\]/g, "");
}

export function hasSchema(body: unknown, id: string): boolean {
  return schemaResources(body).some((schema) => prop(schema, "id") === id);
}
