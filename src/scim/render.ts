import type { StoredResourceView } from "./storedView";
import type { ResourceType } from "./schema/resourceType";
import { withoutWriteOnly } from "./resource/writeOnly";

export type ScimResource = Record<string, unknown>;

/**
 * The resource as SCIM clients see it: `schemas` lists the core schema and each extension present,
 * `id` and `externalId` first, the stored attributes exactly as stored (never a write-only one),
 * then `meta`.
 */
export function renderResource(
  type: ResourceType,
  stored: StoredResourceView,
  location: string,
): ScimResource {
  const attributes = withoutWriteOnly(type, stored.doc);
  const schemas = [type.core.id];
  for (const schema of type.extensions) if (schema.id in attributes) schemas.push(schema.id);
  // Built in one pass: a list page renders every resource, and each copy of the document costs.
  const resource: ScimResource = { schemas, id: stored.id };
  const externalId = attributes.externalId;
  if (externalId !== undefined) resource.externalId = externalId;
  for (const key of Object.keys(attributes)) {
    if (key === "externalId") continue;
    // Defined, not assigned: a key named `__proto__` stays a plain property, as in a spread.
    if (key === "__proto__") {
      Object.defineProperty(resource, key, {
        value: attributes[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else resource[key] = attributes[key];
  }
  resource.meta = {
    resourceType: type.name,
    created: stored.created,
    lastModified: stored.lastModified,
    location,
    version: stored.version,
  };
  return resource;
}
