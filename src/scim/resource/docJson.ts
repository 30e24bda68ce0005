import type { ResourceDoc } from "./types";

/**
 * The JSON text of a document, kept beside the document object: a write compares the new document
 * with the stored one, copies the stored one before patching, stores the new one and copies it into
 * the outbox row, and each of those used to serialize the same object again. Documents are never
 * changed in place once read or serialized (every change builds a new object), so the text stays true.
 */
const texts = new WeakMap<object, string>();

/** `JSON.stringify(doc)`, serialized once per document object. */
export function docJson(doc: ResourceDoc): string {
  const known = texts.get(doc);
  if (known !== undefined) return known;
  const text = JSON.stringify(doc);
  texts.set(doc, text);
  return text;
}

/** `JSON.parse(text)` as a document, remembering the text it came from. */
export function parseDocJson(text: string): ResourceDoc {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed === "object" && parsed !== null) texts.set(parsed, text);
  return parsed as ResourceDoc;
}

/** A deep copy of a document (JSON values only), from its text. */
export function copyDoc(doc: ResourceDoc): ResourceDoc {
  return JSON.parse(docJson(doc)) as ResourceDoc;
}
