import { z } from "zod";
import { attribute } from "./define";
import { groupResourceType, userResourceType, type ResourceType } from "./resourceType";
import type { AttributeDefinition, SchemaDefinition } from "./types";

/** The attribute types a tenant may declare: RFC 7643 simple types (no complex extension attributes). */
export const EXTENSION_ATTRIBUTE_TYPES = [
  "string",
  "boolean",
  "integer",
  "decimal",
  "dateTime",
  "reference",
  "binary",
] as const;

export type ExtensionAttributeType = (typeof EXTENSION_ATTRIBUTE_TYPES)[number];

/** One extension attribute a tenant declared, e.g. Entra's `urn:…:extension:Contoso:2.0:User:costCenter`. */
export interface ExtensionAttributeDeclaration {
  /** The extension schema URN, as Entra writes it before `:<attribute>`. */
  readonly schema: string;
  readonly resourceType: "User" | "Group";
  readonly name: string;
  readonly type: ExtensionAttributeType;
  readonly multiValued: boolean;
  readonly caseExact: boolean;
  /** `writeOnly`: accepted on input, never stored, returned or filtered (a secret). Default readWrite. */
  readonly mutability?: "readWrite" | "writeOnly";
  readonly description?: string;
}

/** A tenant's declared extension attributes and what to do with undeclared ones. */
export interface TenantSchema {
  /** `refuse`: 400 naming the attribute; `store`: kept and returned as sent (the default). */
  readonly undeclaredExtensions: "refuse" | "store";
  readonly attributes: readonly ExtensionAttributeDeclaration[];
}

export const DEFAULT_TENANT_SCHEMA: TenantSchema = { undeclaredExtensions: "store", attributes: [] };

/** Most attributes one tenant may declare (the document must fit one table property). */
const MAX_EXTENSION_ATTRIBUTES = 100;

/** RFC 7643 §2.1 ATTRNAME. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
/** A URN (RFC 8141 NID) with no characters that would break a filter or PATCH path. */
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}(:[A-Za-z0-9._~%!$&'*+,;=@-]+)+$/i;
const MAX_URN_LENGTH = 200;

const declarationSchema = z.object({
  schema: z.string().max(MAX_URN_LENGTH).regex(SCHEMA_URN),
  resourceType: z.enum(["User", "Group"]),
  name: z.string().regex(ATTRIBUTE_NAME),
  type: z.enum(EXTENSION_ATTRIBUTE_TYPES),
  multiValued: z.boolean(),
  caseExact: z.boolean(),
  mutability: z.enum(["readWrite", "writeOnly"]).optional(),
  description: z.string().max(1024).optional(),
});

const tenantSchemaSchema = z.object({
  undeclaredExtensions: z.enum(["refuse", "store"]),
  attributes: z.array(declarationSchema).max(MAX_EXTENSION_ATTRIBUTES),
});

export class TenantSchemaError extends Error {}

export function parseTenantSchema(text: string): TenantSchema {
  return tenantSchemaSchema.parse(JSON.parse(text));
}

export function serializeTenantSchema(schema: TenantSchema): string {
  return JSON.stringify(tenantSchemaSchema.parse(schema));
}

function builtInType(resourceType: "User" | "Group"): ResourceType {
  return resourceType === "User" ? userResourceType : groupResourceType;
}

const sameText = (left: string, right: string) => left.toLowerCase() === right.toLowerCase();

/**
 * Adds (or redefines) one extension attribute. Refuses names SCIM paths cannot carry, the built-in
 * schemas (core, enterprise), and one URN used for both Users and Groups.
 */
export function declareAttribute(
  current: TenantSchema,
  declaration: ExtensionAttributeDeclaration,
): TenantSchema {
  const parsed = declarationSchema.safeParse(declaration);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "declaration";
    throw new TenantSchemaError(
      field === "schema"
        ? `'${declaration.schema}' is not a schema URN (urn:<namespace>:<...>, e.g. urn:ietf:params:scim:schemas:extension:Contoso:2.0:User).`
        : field === "name"
          ? `'${declaration.name}' is not a SCIM attribute name (a letter, then letters, digits, '-' or '_').`
          : `Invalid ${field}: ${issue?.message ?? "not accepted"}.`,
    );
  }
  const builtIn = [userResourceType, groupResourceType].flatMap((type) => type.schemas);
  if (builtIn.some((schema) => sameText(schema.id, declaration.schema))) {
    throw new TenantSchemaError(`'${declaration.schema}' is a built-in schema; its attributes are fixed.`);
  }
  const otherType = current.attributes.find(
    (existing) =>
      sameText(existing.schema, declaration.schema) && existing.resourceType !== declaration.resourceType,
  );
  if (otherType) {
    throw new TenantSchemaError(
      `'${declaration.schema}' already extends ${otherType.resourceType}; use another URN for ${declaration.resourceType}.`,
    );
  }
  // One spelling per URN: the first declared one is what /Schemas and responses use.
  const spelling = current.attributes.find((existing) =>
    sameText(existing.schema, declaration.schema),
  )?.schema;
  const next = { ...parsed.data, schema: spelling ?? parsed.data.schema };
  const others = current.attributes.filter(
    (existing) => !(sameText(existing.schema, next.schema) && sameText(existing.name, next.name)),
  );
  if (others.length >= MAX_EXTENSION_ATTRIBUTES) {
    throw new TenantSchemaError(
      `A tenant may declare at most ${MAX_EXTENSION_ATTRIBUTES} extension attributes.`,
    );
  }
  return { ...current, attributes: [...others, next] };
}

/** Removes one attribute (`name`) or every attribute of the schema; returns what was removed. */
export function removeDeclarations(
  current: TenantSchema,
  schema: string,
  name?: string,
): { schema: TenantSchema; removed: ExtensionAttributeDeclaration[] } {
  const doomed = (declaration: ExtensionAttributeDeclaration) =>
    sameText(declaration.schema, schema) && (name === undefined || sameText(declaration.name, name));
  return {
    schema: { ...current, attributes: current.attributes.filter((declaration) => !doomed(declaration)) },
    removed: current.attributes.filter(doomed),
  };
}

/** `Contoso` of `urn:ietf:params:scim:schemas:extension:Contoso:2.0:User`, else the URN itself. */
function schemaName(urn: string, resourceType: string): string {
  const match = /:extension:([^:]+):/i.exec(urn);
  return match?.[1] === undefined ? urn : `${match[1]}${resourceType}`;
}

function definitionOf(declaration: ExtensionAttributeDeclaration): AttributeDefinition {
  return attribute(
    declaration.name,
    declaration.type,
    declaration.description ?? `Tenant-defined extension attribute ${declaration.name}.`,
    {
      multiValued: declaration.multiValued,
      caseExact: declaration.caseExact,
      ...(declaration.mutability === "writeOnly" ? { mutability: "writeOnly", returned: "never" } : {}),
    },
  );
}

/** The tenant's extension schemas of one resource type, in declaration order. */
export function extensionSchemas(schema: TenantSchema, resourceType: "User" | "Group"): SchemaDefinition[] {
  const byUrn = new Map<string, { id: string; attributes: AttributeDefinition[] }>();
  for (const declaration of schema.attributes) {
    if (declaration.resourceType !== resourceType) continue;
    const key = declaration.schema.toLowerCase();
    const entry = byUrn.get(key) ?? { id: declaration.schema, attributes: [] };
    entry.attributes.push(definitionOf(declaration));
    byUrn.set(key, entry);
  }
  return [...byUrn.values()].map(({ id, attributes }) => ({
    id,
    name: schemaName(id, resourceType),
    description: `Extension attributes declared by the tenant for ${resourceType} resources.`,
    attributes,
  }));
}

/** The resource types one tenant sees: the built-in schemas plus its own extensions. */
export interface TenantTypes {
  readonly User: ResourceType;
  readonly Group: ResourceType;
}

export const builtInTypes: TenantTypes = { User: userResourceType, Group: groupResourceType };

export function tenantTypes(schema: TenantSchema): TenantTypes {
  const build = (name: "User" | "Group") =>
    builtInType(name).withExtensions(extensionSchemas(schema, name), schema.undeclaredExtensions);
  return { User: build("User"), Group: build("Group") };
}
