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
  const { externalId, ...attributes } = withoutWriteOnly(type, stored.doc);
  const extensions = type.extensions.filter((schema) => schema.id in attributes).map((schema) => schema.id);
  return {
    schemas: [type.core.id, ...extensions],
    id: stored.id,
    ...(externalId === undefined ? {} : { externalId }),
    ...attributes,
    meta: {
      resourceType: type.name,
      created: stored.created,
      lastModified: stored.lastModified,
      location,
      version: stored.version,
    },
  };
}
