import { badRequest } from "../errors";
import type { ResourceType } from "../schema/resourceType";
import { MAX_INDEXED_VALUE_LENGTH } from "./limits";
import { isPlainObject, type ResourceDoc } from "./types";

/** Emails are indexed for matching; each needs a row in the create transaction (≤ 100 rows). */
const MAX_EMAILS = 20;

/** A lone UTF-16 surrogate: valid in a JSON string, but no storage key can hold it (the SDK cannot encode it). */
const LONE_SURROGATE = /\p{Cs}/u;

function checkIndexedLength(value: unknown, name: string): void {
  if (typeof value === "string" && value.length > MAX_INDEXED_VALUE_LENGTH) {
    throw badRequest("invalidValue", `'${name}' may be at most ${MAX_INDEXED_VALUE_LENGTH} characters long.`);
  }
  if (typeof value === "string" && LONE_SURROGATE.test(value)) {
    throw badRequest("invalidValue", `'${name}' holds an unpaired UTF-16 surrogate, which is not text.`);
  }
}

/** Checks what a stored resource must satisfy after create, replace or PATCH. */
export function validateResource(type: ResourceType, doc: ResourceDoc): void {
  for (const attribute of type.core.attributes) {
    if (attribute.required && (typeof doc[attribute.name] !== "string" || doc[attribute.name] === "")) {
      throw badRequest("invalidValue", `A ${type.name} needs a non-empty '${attribute.name}'.`);
    }
  }
  checkIndexedLength(doc.userName, "userName");
  checkIndexedLength(doc.externalId, "externalId");
  if (type.name === "Group") checkIndexedLength(doc.displayName, "displayName");
  const emails = Array.isArray(doc.emails) ? doc.emails : [];
  if (emails.length > MAX_EMAILS) {
    throw badRequest("invalidValue", `A ${type.name} may have at most ${MAX_EMAILS} emails.`);
  }
  for (const email of emails) if (isPlainObject(email)) checkIndexedLength(email.value, "emails.value");
  // The manager's id is indexed too (x|u.manager|<id>|<user>).
  for (const value of Object.values(doc)) {
    if (isPlainObject(value) && isPlainObject(value.manager))
      checkIndexedLength(value.manager.value, "manager");
  }
}
