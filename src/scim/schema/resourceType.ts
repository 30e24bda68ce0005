import { badRequest } from "../errors";
import { commonAttributes } from "./common";
import { attribute as defineAttribute } from "./define";
import { groupSchema } from "./group";
import type {
  AttributeDefinition,
  AttributePath,
  AttributeResolver,
  ResolvedAttribute,
  SchemaDefinition,
} from "./types";
import { enterpriseUserSchema, userSchema } from "./user";

/**
 * What happens to an extension attribute the tenant has not declared (a `urn:…` key or path outside
 * the built-in schemas): `ignore` drops it (the built-in types), `refuse` answers 400 naming it,
 * `store` keeps it verbatim.
 */
export type UndeclaredExtensions = "ignore" | "refuse" | "store";

export interface ResourceTypeOptions {
  readonly undeclaredExtensions?: UndeclaredExtensions;
  /** Schemas whose attribute lists are closed (core, enterprise); defaults to all of this type's. */
  readonly builtIn?: readonly SchemaDefinition[];
}

const URN_PREFIX = "urn:";

/** A SCIM resource type (RFC 7643 §6) with the schemas that shape it; resolves attribute paths. */
export class ResourceType implements AttributeResolver {
  readonly schemas: readonly SchemaDefinition[];
  readonly undeclaredExtensions: UndeclaredExtensions;
  private readonly builtIn: readonly SchemaDefinition[];

  constructor(
    readonly name: "User" | "Group",
    readonly endpoint: string,
    readonly description: string,
    readonly core: SchemaDefinition,
    readonly extensions: readonly SchemaDefinition[],
    options: ResourceTypeOptions = {},
  ) {
    this.schemas = [core, ...extensions];
    this.undeclaredExtensions = options.undeclaredExtensions ?? "ignore";
    this.builtIn = options.builtIn ?? this.schemas;
  }

  /** The same resource type with more extension schemas and its own rule for undeclared ones. */
  withExtensions(extensions: readonly SchemaDefinition[], undeclared: UndeclaredExtensions): ResourceType {
    return new ResourceType(
      this.name,
      this.endpoint,
      this.description,
      this.core,
      [...this.extensions, ...extensions],
      { undeclaredExtensions: undeclared, builtIn: this.builtIn },
    );
  }

  /** The schema whose URN matches `urn` case-insensitively. */
  schemaByUrn(urn: string): SchemaDefinition | undefined {
    const wanted = urn.toLowerCase();
    return this.schemas.find((schema) => schema.id.toLowerCase() === wanted);
  }

  /**
   * The extension schema `urn` names. When undeclared extensions are stored, an unknown URN that
   * ends in this type's name (`urn:…:2.0:User`) names an open schema whose attributes are kept as sent.
   */
  extensionByUrn(urn: string): SchemaDefinition | undefined {
    const schema = this.schemaByUrn(urn);
    if (schema) return schema === this.core ? undefined : schema;
    if (this.undeclaredExtensions !== "store" || !this.isOpenSchemaUrn(urn)) return undefined;
    return { id: urn, name: urn, description: "An undeclared extension, kept as sent.", attributes: [] };
  }

  /**
   * Called for a `urn:…` key or path that resolved to nothing: a tenant that refuses undeclared
   * extensions gets a 400 naming it. Names under the built-in schemas keep their lenient handling.
   */
  refuseUndeclared(qualifiedName: string): void {
    if (this.undeclaredExtensions !== "refuse" || !this.isOpenName(qualifiedName)) return;
    throw badRequest(
      "invalidValue",
      `The extension attribute '${qualifiedName}' is not declared for this tenant's ${this.name} resources; ` +
        "its schema URN and attribute must be declared before it can be provisioned.",
    );
  }

  resolve(path: AttributePath): ResolvedAttribute | undefined {
    const owner = this.findOwner(path) ?? this.verbatim(path);
    if (!owner) return undefined;
    if (path.subAttribute === undefined) return owner;
    const subAttribute = findByName(owner.attribute.subAttributes ?? [], path.subAttribute);
    return subAttribute ? { ...owner, subAttribute } : undefined;
  }

  private findOwner(path: AttributePath): ResolvedAttribute | undefined {
    if (path.schema !== undefined) {
      const schema = this.schemaByUrn(path.schema);
      if (!schema) return undefined;
      return this.inSchema(schema, path.attribute);
    }
    const inCore = this.inSchema(this.core, path.attribute);
    if (inCore) return inCore;
    // Lenient: an unqualified extension attribute name (e.g. "department") still resolves.
    for (const extension of this.extensions) {
      const found = this.inSchema(extension, path.attribute);
      if (found) return found;
    }
    return undefined;
  }

  /** In `store` mode, an undeclared attribute of an open schema, kept as sent. */
  private verbatim(path: AttributePath): ResolvedAttribute | undefined {
    if (this.undeclaredExtensions !== "store" || path.schema === undefined) return undefined;
    if (path.subAttribute !== undefined || !this.isOpenName(`${path.schema}:${path.attribute}`))
      return undefined;
    const schema = this.schemaByUrn(path.schema)?.id ?? path.schema;
    const attribute = defineAttribute(path.attribute, "string", "An undeclared extension attribute.", {
      verbatim: true,
    });
    return { schema, core: false, attribute };
  }

  /** A `urn:…` name outside the built-in schemas (whose attribute lists are closed). */
  private isOpenName(qualifiedName: string): boolean {
    const lower = qualifiedName.toLowerCase();
    if (!lower.startsWith(URN_PREFIX)) return false;
    return !this.builtIn.some((schema) => {
      const id = schema.id.toLowerCase();
      return lower === id || lower.startsWith(`${id}:`);
    });
  }

  private isOpenSchemaUrn(urn: string): boolean {
    return this.isOpenName(urn) && urn.toLowerCase().endsWith(`:${this.name.toLowerCase()}`);
  }

  private inSchema(schema: SchemaDefinition, name: string): ResolvedAttribute | undefined {
    const core = schema === this.core;
    const attribute =
      findByName(schema.attributes, name) ?? (core ? findByName(commonAttributes, name) : undefined);
    return attribute ? { schema: schema.id, core, attribute } : undefined;
  }
}

export function findByName(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  const wanted = name.toLowerCase();
  return attributes.find((attribute) => attribute.name.toLowerCase() === wanted);
}

export const userResourceType = new ResourceType("User", "/Users", "User Account", userSchema, [
  enterpriseUserSchema,
]);

export const groupResourceType = new ResourceType("Group", "/Groups", "Group", groupSchema, []);

export const resourceTypes: readonly ResourceType[] = [userResourceType, groupResourceType];
