export type AttributeType =
  "string" | "boolean" | "decimal" | "integer" | "dateTime" | "reference" | "complex" | "binary";

type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
type Returned = "always" | "never" | "default" | "request";
type Uniqueness = "none" | "server" | "global";

/** One attribute of a SCIM schema (RFC 7643 §7), as served by /Schemas. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * An undeclared extension attribute a tenant keeps as sent (never listed by /Schemas): its values
   * are stored and returned verbatim, without coercion.
   */
  readonly verbatim?: true;
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

/**
 * An attribute reference as written in a filter or PATCH path:
 * `[schemaUrn:]attribute[.subAttribute]`. Names keep the client's spelling;
 * resolution against a schema is case-insensitive.
 */
export interface AttributePath {
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** An attribute path resolved against a resource type's schemas, with canonical names. */
export interface ResolvedAttribute {
  /** The schema URN that owns the attribute. */
  readonly schema: string;
  /** True when the schema is the resource type's core schema (attribute lives at the top level). */
  readonly core: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

/** Resolves client-written attribute paths case-insensitively to canonical definitions. */
export interface AttributeResolver {
  resolve(path: AttributePath): ResolvedAttribute | undefined;
}
