import { badRequest } from "../errors";
import type { ResourceType } from "../schema/resourceType";
import type { AttributeDefinition, ResolvedAttribute } from "../schema/types";
import { writeAttribute } from "./access";
import { coerceAttributeValue } from "./coerce";
import { isPlainObject, type ResourceDoc } from "./types";

/** Keys the client may send but the server owns: ignored on input (RFC 7643 §3.1). */
const SERVER_OWNED = new Set(["schemas", "id", "meta"]);

function accepts(definition: AttributeDefinition): boolean {
  return definition.mutability !== "readOnly" && definition.mutability !== "writeOnly";
}

function put(doc: ResourceDoc, target: ResolvedAttribute, raw: unknown, where: string): void {
  if (!accepts(target.attribute)) return;
  writeAttribute(doc, target, coerceAttributeValue(target.attribute, raw, where));
}

/** One attribute of an extension schema; an undeclared one is refused, kept or dropped (tenant setting). */
function putInSchema(doc: ResourceDoc, type: ResourceType, urn: string, name: string, raw: unknown): void {
  const target = type.resolve({ schema: urn, attribute: name });
  if (target)
    put(doc, target, raw, target.core ? target.attribute.name : `${target.schema}:${target.attribute.name}`);
  else if (raw !== null && raw !== undefined) type.refuseUndeclared(`${urn}:${name}`);
}

function putExtension(doc: ResourceDoc, type: ResourceType, urn: string, raw: unknown): void {
  const schema = type.extensionByUrn(urn);
  if (!schema) return;
  if (!isPlainObject(raw)) {
    if (raw === null) return;
    throw badRequest("invalidSyntax", `'${urn}' must be an object of extension attributes.`);
  }
  for (const [key, value] of Object.entries(raw)) putInSchema(doc, type, schema.id, key, value);
}

/** `urn:…:User:employeeNumber` as a top-level key: split at the last colon. */
function putQualified(doc: ResourceDoc, type: ResourceType, key: string, raw: unknown): void {
  const colon = key.lastIndexOf(":");
  putInSchema(doc, type, key.slice(0, colon), key.slice(colon + 1), raw);
}

/**
 * Turns a POST or PUT body into a stored resource: attribute names made canonical
 * (case-insensitive), values coerced by schema type, server-owned, read-only and unknown
 * attributes dropped (Entra sends client `meta`, unknown schema URNs and nulls that must not fail).
 */
export function canonicaliseResource(type: ResourceType, body: unknown): ResourceDoc {
  if (!isPlainObject(body)) throw badRequest("invalidSyntax", "The request body must be a JSON object.");
  const doc: ResourceDoc = {};
  for (const [key, value] of Object.entries(body)) {
    if (SERVER_OWNED.has(key.toLowerCase())) continue;
    if (type.schemaByUrn(key) ?? type.extensionByUrn(key)) {
      putExtension(doc, type, key, value);
    } else if (key.toLowerCase().startsWith("urn:")) {
      putQualified(doc, type, key, value);
    } else {
      const target = type.resolve({ schema: type.core.id, attribute: key });
      if (target) put(doc, target, value, target.attribute.name);
    }
  }
  return doc;
}
