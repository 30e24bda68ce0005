import { externalIdAttribute } from "./schema/common";
import { resourceTypes as builtInResourceTypes, type ResourceType } from "./schema/resourceType";
import type { AttributeDefinition, SchemaDefinition } from "./schema/types";
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from "./schema/urns";

export interface DiscoveryLimits {
  readonly maxResults: number;
  readonly defaultPageSize: number;
  readonly maxPayloadSize: number;
}

/** RFC 7643 §5; served at /ServiceProviderConfig. */
export function serviceProviderConfig(baseUrl: string, limits: DiscoveryLimits): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: limits.maxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    // RFC 9865: both index (startIndex/count) and cursor (cursor/nextCursor) pagination.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: "index",
      defaultPageSize: limits.defaultPageSize,
      maxPageSize: limits.maxResults,
    },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The tenant's Secret Token, sent by Entra as 'Authorization: Bearer <token>'.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** /ResourceTypes; `resourceTypes` are the tenant's (its extensions listed), the built-in ones by default. */
export function resourceTypeDocuments(
  baseUrl: string,
  resourceTypes: readonly ResourceType[] = builtInResourceTypes,
): Record<string, unknown>[] {
  return resourceTypes.map((type) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.core.id,
    schemaExtensions: type.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/${type.name}` },
  }));
}

/** Attribute characteristics as /Schemas lists them: camelCase values, no nulls or empty lists. */
function attributeDocument(attribute: AttributeDefinition): Record<string, unknown> {
  const {
    subAttributes,
    canonicalValues,
    referenceTypes,
    verbatim: _verbatim,
    ...characteristics
  } = attribute;
  return {
    ...characteristics,
    ...(canonicalValues && canonicalValues.length > 0 ? { canonicalValues } : {}),
    ...(referenceTypes && referenceTypes.length > 0 ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes: subAttributes.map(attributeDocument) } : {}),
  };
}

function isCoreSchema(schema: SchemaDefinition, resourceTypes: readonly ResourceType[]): boolean {
  return resourceTypes.some((type) => type.core === schema);
}

/** /Schemas; `resourceTypes` are the tenant's (its extensions listed), the built-in ones by default. */
export function schemaDocuments(
  baseUrl: string,
  resourceTypes: readonly ResourceType[] = builtInResourceTypes,
): Record<string, unknown>[] {
  const schemas = [...new Set(resourceTypes.flatMap((type) => type.schemas))];
  return schemas.map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    // externalId is a common attribute (RFC 7643 §3.1), listed so schema discovery offers it for mapping.
    attributes: [
      ...schema.attributes,
      ...(isCoreSchema(schema, resourceTypes) ? [externalIdAttribute] : []),
    ].map(attributeDocument),
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${schema.id}` },
  }));
}
