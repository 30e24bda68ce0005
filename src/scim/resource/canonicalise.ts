import { badRequest } from "../errors";
import { findByName, type ResourceType } from "../schema/resourceType";
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

function putExtension(doc: ResourceDoc, type: ResourceType, urn: string, raw: unknown): void {
  const schema = type.extensionByUrn(urn);
  if (!schema) return;
  if (!isPlainObject(raw)) {
    if (raw === null) return;
    throw badRequest("invalidSyntax", `'${urn}' must be an object of extension attributes.`);
  }
  for (const [key, value] of Object.entries(raw)) {
    const attribute = findByName(schema.attributes, key);
    if (attribute)
      put(doc, { schema: schema.id, core: false, attribute }, value, `${schema.id}:${attribute.name}`);
  }
}

/** `urn:…:User:employeeNumber` as a top-level key: split at the last colon. */
function putQualified(doc: ResourceDoc, type: ResourceType, key: string, raw: unknown): void {
  const colon = key.lastIndexOf(":");
  const target = type.resolve({ schema: key.slice(0, colon), attribute: key.slice(colon + 1) });
  if (target) put(doc, target, raw, key);
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
    if (type.schemaByUrn(key)) {
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
