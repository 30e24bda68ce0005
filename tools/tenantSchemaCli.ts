import { parseArgs } from "node:util";
import {
  declareAttribute,
  EXTENSION_ATTRIBUTE_TYPES,
  removeDeclarations,
  TenantSchemaError,
  type ExtensionAttributeDeclaration,
  type ExtensionAttributeType,
  type TenantSchema,
} from "../src/scim/schema/tenantSchema";
import type { TenantSchemaRepository } from "../src/service/tenantResourceTypes";

export const SCHEMA_USAGE = `Tenant-defined extension attributes:
  schema list <tenantId>
                        the tenant's declared attributes and what happens to undeclared ones
  schema add <tenantId> <urn:...:attribute> [--type t] [--multi-valued] [--case-exact]
                        [--resource User|Group] [--description text] [--write-only]
                        declare (or redefine) an attribute by its full name as mapped in Entra, e.g.
                        urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:costCenter
                        --type: ${EXTENSION_ATTRIBUTE_TYPES.join(", ")} (default string)
                        --resource: default Group when the URN ends in ':Group', else User
                        --write-only: accepted from Entra but never stored, returned or filtered
                        (a secret, like the password)
  schema remove <tenantId> <urn:...:attribute | urn>
                        remove one attribute, or every attribute of an extension URN
  schema undeclared <tenantId> refuse|store
                        undeclared extension attributes: refuse with 400 invalidValue, or store and
                        return them as sent (the default)
Running instances see a change within AUTH_CACHE_TTL_SECONDS.`;

export interface SchemaCommandContext {
  readonly repository: TenantSchemaRepository;
  /** Whether the tenant exists (declarations of an unknown tenant are refused). */
  readonly tenantExists: (tenantId: string) => Promise<boolean>;
}

function fail(message: string): never {
  throw new TenantSchemaError(`${message}\n\n${SCHEMA_USAGE}`);
}

function qualifiedName(declaration: ExtensionAttributeDeclaration): string {
  return `${declaration.schema}:${declaration.name}`;
}

function describe(schema: TenantSchema): string {
  const lines = schema.attributes.map((declaration) =>
    [
      qualifiedName(declaration),
      declaration.resourceType,
      declaration.type,
      declaration.multiValued ? "multi-valued" : "single-valued",
      declaration.caseExact ? "caseExact" : "caseIgnored",
      ...(declaration.mutability === "writeOnly" ? ["writeOnly"] : []),
    ].join("\t"),
  );
  return [
    ...(lines.length > 0 ? lines : ["(no extension attributes declared)"]),
    `undeclared extensions: ${schema.undeclaredExtensions}`,
  ].join("\n");
}

function isAttributeType(value: string): value is ExtensionAttributeType {
  return (EXTENSION_ATTRIBUTE_TYPES as readonly string[]).includes(value);
}

/** Splits `urn:…:User:costCenter` at its last colon into the schema URN and the attribute name. */
function splitQualified(name: string): { schema: string; attribute: string } {
  const colon = name.lastIndexOf(":");
  if (!name.toLowerCase().startsWith("urn:") || colon <= 4)
    fail(`'${name}' is not a urn:...:attribute name.`);
  return { schema: name.slice(0, colon), attribute: name.slice(colon + 1) };
}

/** `npm run tenant -- schema …`: declares a tenant's extension attributes in the tenants table. */
export async function schemaCommand(args: readonly string[], context: SchemaCommandContext): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      type: { type: "string", default: "string" },
      "multi-valued": { type: "boolean", default: false },
      "case-exact": { type: "boolean", default: false },
      "write-only": { type: "boolean", default: false },
      resource: { type: "string" },
      description: { type: "string" },
    },
  });
  const [action, tenantId, target] = positionals;
  if (action === undefined) return SCHEMA_USAGE;
  if (tenantId === undefined) fail(`'schema ${action}' needs a tenant id.`);
  if (!(await context.tenantExists(tenantId))) throw new TenantSchemaError(`No tenant '${tenantId}'.`);
  const { repository } = context;
  switch (action) {
    case "list": {
      const schema = await repository.read(tenantId);
      return values.json ? JSON.stringify(schema) : describe(schema);
    }
    case "add": {
      if (target === undefined) fail("'schema add' needs the attribute's urn:...:attribute name.");
      const { schema, attribute } = splitQualified(target);
      if (!isAttributeType(values.type))
        fail(`--type must be one of ${EXTENSION_ATTRIBUTE_TYPES.join(", ")}.`);
      const resource = values.resource ?? (schema.toLowerCase().endsWith(":group") ? "Group" : "User");
      if (resource !== "User" && resource !== "Group") fail("--resource must be User or Group.");
      const declaration: ExtensionAttributeDeclaration = {
        schema,
        resourceType: resource,
        name: attribute,
        type: values.type,
        multiValued: values["multi-valued"],
        caseExact: values["case-exact"],
        ...(values["write-only"] ? { mutability: "writeOnly" as const } : {}),
        ...(values.description === undefined ? {} : { description: values.description }),
      };
      const next = await repository.update(tenantId, (current) => declareAttribute(current, declaration));
      return values.json
        ? JSON.stringify(next)
        : `Declared ${qualifiedName(declaration)} for tenant '${tenantId}'.`;
    }
    case "remove": {
      if (target === undefined) fail("'schema remove' needs a urn:...:attribute name or an extension URN.");
      let removed: readonly ExtensionAttributeDeclaration[] = [];
      const next = await repository.update(tenantId, (current) => {
        const declared = current.attributes.some((d) => d.schema.toLowerCase() === target.toLowerCase());
        const { schema, attribute } = declared
          ? { schema: target, attribute: undefined }
          : splitQualified(target);
        const result = removeDeclarations(current, schema, attribute);
        removed = result.removed;
        return result.schema;
      });
      if (removed.length === 0) throw new TenantSchemaError(`Tenant '${tenantId}' declares no '${target}'.`);
      if (values.json) return JSON.stringify(next);
      return `Removed ${removed.map(qualifiedName).join(", ")}. Values already stored are kept (returned as stored).`;
    }
    case "undeclared": {
      if (target !== "refuse" && target !== "store") fail("'schema undeclared' needs refuse or store.");
      const next = await repository.update(tenantId, (current) => ({
        ...current,
        undeclaredExtensions: target,
      }));
      return values.json
        ? JSON.stringify(next)
        : `Tenant '${tenantId}' now ${target === "refuse" ? "refuses" : "stores"} undeclared extension attributes.`;
    }
    default:
      return fail(`Unknown schema command '${action}'.`);
  }
}
