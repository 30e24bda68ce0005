import {
  declareAttribute,
  EXTENSION_ATTRIBUTE_TYPES,
  removeDeclarations,
  type ExtensionAttributeDeclaration,
  type ExtensionAttributeType,
  type TenantSchema,
} from "../src/scim/schema/tenantSchema";
import type { TenantSchemaRepository } from "../src/service/tenantResourceTypes";
import { CliError, result, usageError, type CliCommand, type CommandArgs } from "./cliCommand";

const SCHEMA_USAGE = `Tenant-defined extension attributes:
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
Running instances see a change within AUTH_CACHE_TTL_SECONDS.
--json (every action): {"undeclaredExtensions":"refuse|store","attributes":[{"schema","resourceType",
  "name","type","multiValued","caseExact","description"?,"mutability"?}]}`;

const ACTIONS = ["list", "add", "remove", "undeclared"];

function fail(message: string): never {
  throw usageError(message, "schema");
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
export const schemaCommand: CliCommand = {
  name: "schema",
  summary: "a tenant's extension attributes: schema list|add|remove|undeclared <tenantId> …",
  usage: SCHEMA_USAGE,
  options: {
    type: { type: "string" },
    "multi-valued": { type: "boolean" },
    "case-exact": { type: "boolean" },
    "write-only": { type: "boolean" },
    resource: { type: "string" },
    description: { type: "string" },
  },
  async run(args, context) {
    const action = args.required(0, "an action: list, add, remove or undeclared");
    if (!ACTIONS.includes(action)) fail(`Unknown schema action '${action}'.`);
    const tenantId = args.required(1, "a tenant id");
    const repository = (await context.tenantServices(tenantId)).tenantSchemas;
    const schema = await schemaAction(repository, action, tenantId, args);
    return result(schema.document, schema.text);
  },
};

async function schemaAction(
  repository: TenantSchemaRepository,
  action: string,
  tenantId: string,
  args: CommandArgs,
): Promise<{ document: TenantSchema; text: string }> {
  const target = args.positionals[2];
  switch (action) {
    case "list": {
      const schema = await repository.read(tenantId);
      return { document: schema, text: describe(schema) };
    }
    case "add": {
      if (target === undefined) fail("'schema add' needs the attribute's urn:...:attribute name.");
      const { schema, attribute } = splitQualified(target);
      const type = args.string("type") ?? "string";
      if (!isAttributeType(type)) fail(`--type must be one of ${EXTENSION_ATTRIBUTE_TYPES.join(", ")}.`);
      const resource =
        args.string("resource") ?? (schema.toLowerCase().endsWith(":group") ? "Group" : "User");
      if (resource !== "User" && resource !== "Group") fail("--resource must be User or Group.");
      const declaration: ExtensionAttributeDeclaration = {
        schema,
        resourceType: resource,
        name: attribute,
        type,
        multiValued: args.flag("multi-valued"),
        caseExact: args.flag("case-exact"),
        ...(args.flag("write-only") ? { mutability: "writeOnly" as const } : {}),
        ...(args.string("description") === undefined ? {} : { description: args.string("description") }),
      };
      const next = await repository.update(tenantId, (current) => declareAttribute(current, declaration));
      return { document: next, text: `Declared ${qualifiedName(declaration)} for tenant '${tenantId}'.` };
    }
    case "remove": {
      if (target === undefined) fail("'schema remove' needs a urn:...:attribute name or an extension URN.");
      let removed: readonly ExtensionAttributeDeclaration[] = [];
      const next = await repository.update(tenantId, (current) => {
        const declared = current.attributes.some((d) => d.schema.toLowerCase() === target.toLowerCase());
        const { schema, attribute } = declared
          ? { schema: target, attribute: undefined }
          : splitQualified(target);
        const outcome = removeDeclarations(current, schema, attribute);
        removed = outcome.removed;
        return outcome.schema;
      });
      if (removed.length === 0)
        throw new CliError(
          "notFound",
          `Tenant '${tenantId}' declares no '${target}'.`,
          `'npm run tenant -- schema list ${tenantId}' shows what it declares.`,
        );
      return {
        document: next,
        text: `Removed ${removed.map(qualifiedName).join(", ")}. Values already stored are kept (returned as stored).`,
      };
    }
    case "undeclared": {
      if (target !== "refuse" && target !== "store") fail("'schema undeclared' needs refuse or store.");
      const next = await repository.update(tenantId, (current) => ({
        ...current,
        undeclaredExtensions: target,
      }));
      return {
        document: next,
        text: `Tenant '${tenantId}' now ${target === "refuse" ? "refuses" : "stores"} undeclared extension attributes.`,
      };
    }
    default:
      return fail(`Unknown schema action '${action}'.`);
  }
}
