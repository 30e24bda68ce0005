import { commonAttributes } from "./common";
import { groupSchema } from "./group";
import type {
  AttributeDefinition,
  AttributePath,
  AttributeResolver,
  ResolvedAttribute,
  SchemaDefinition,
} from "./types";
import { enterpriseUserSchema, userSchema } from "./user";

/** A SCIM resource type (RFC 7643 §6) with the schemas that shape it; resolves attribute paths. */
export class ResourceType implements AttributeResolver {
  readonly schemas: readonly SchemaDefinition[];

  constructor(
    readonly name: "User" | "Group",
    readonly endpoint: string,
    readonly description: string,
    readonly core: SchemaDefinition,
    readonly extensions: readonly SchemaDefinition[],
  ) {
    this.schemas = [core, ...extensions];
  }

  /** The schema whose URN matches `urn` case-insensitively. */
  schemaByUrn(urn: string): SchemaDefinition | undefined {
    const wanted = urn.toLowerCase();
    return this.schemas.find((schema) => schema.id.toLowerCase() === wanted);
  }

  extensionByUrn(urn: string): SchemaDefinition | undefined {
    const schema = this.schemaByUrn(urn);
    return schema === this.core ? undefined : schema;
  }

  resolve(path: AttributePath): ResolvedAttribute | undefined {
    const owner = this.findOwner(path);
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
