import { indexKeyPart, encodeKeyPart } from "./keys";
import type { IndexDefinition, ResourceKind } from "./resourceKinds";
import { docJson, parseDocJson } from "../scim/resource/docJson";
import type { ResourceDoc } from "../scim/resource/types";

/**
 * A string property holds at most 64 KiB (UTF-16, so 32K characters); the document is split into
 * chunks of 30,000 characters in properties doc0, doc1, ...
 */
const CHUNK_CHARS = 30_000;

/** An entity may not exceed 1 MiB: 15 full chunks are ~900 KB in UTF-16, leaving room for the rest. */
export const MAX_DOC_CHARS = 15 * CHUNK_CHARS;

/**
 * A row that reads as a missing resource. A delete writes one only when its client cannot delete
 * under an ETag inside a transaction (see guardedDelete), and then deletes it; a delete storage
 * interrupted in between leaves it behind, and every read treats it as missing (and removes it).
 */
export const TOMBSTONE_PROPERTY = "deleted";

export function isTombstone(entity: Record<string, unknown>): boolean {
  return entity[TOMBSTONE_PROPERTY] === true;
}

/**
 * `false` on a resource row that has never been in a membership, either end: its DELETE skips the
 * membership sweep. Created rows start `false`; every membership add sets it `true` on the group's
 * row and the member's row in the add's own transaction; removals leave it `true`. A row without
 * the property (written before it existed) may have memberships.
 */
export const MEMBERSHIPS_PROPERTY = "mayHaveMemberships";

export function mayHaveMemberships(entity: Record<string, unknown>): boolean {
  return entity[MEMBERSHIPS_PROPERTY] !== false;
}

export function resourceRowKey(kind: ResourceKind, id: string): string {
  return `${kind.rowPrefix}|${encodeKeyPart(id)}`;
}

export function resourceRowPrefix(kind: ResourceKind): string {
  return `${kind.rowPrefix}|`;
}

/** Unique: `x|u.userName|alice` (a point read). Others: `x|u.email|a@x.com|<id>` (a prefix range). */
export function indexRowKey(kind: ResourceKind, index: IndexDefinition, value: string, id: string): string {
  const base = indexValuePrefix(kind, index, value);
  return index.unique ? base.slice(0, -1) : `${base}${encodeKeyPart(id)}`;
}

export function indexValuePrefix(kind: ResourceKind, index: IndexDefinition, value: string): string {
  return `x|${kind.rowPrefix}.${index.name}|${indexKeyPart(value)}|`;
}

/** The index rows of a resource: their keys, and the (normalised) values they index. */
export function indexEntries(kind: ResourceKind, doc: ResourceDoc, id: string): Map<string, string> {
  return new Map(
    kind.indexes.flatMap((index) =>
      index.values(doc).map((value): [string, string] => [indexRowKey(kind, index, value, id), value]),
    ),
  );
}

export function indexRowKeys(kind: ResourceKind, doc: ResourceDoc, id: string): string[] {
  return [...indexEntries(kind, doc, id).keys()];
}

/** All rows of one index: the range `x|<kind>.<index>|…`. */
export function indexPrefix(kind: ResourceKind, index: IndexDefinition): string {
  return `x|${kind.rowPrefix}.${index.name}|`;
}

export function serializeDoc(doc: ResourceDoc): string[] {
  const json = docJson(doc);
  const chunks: string[] = [];
  for (let start = 0; start < json.length; start += CHUNK_CHARS)
    chunks.push(json.slice(start, start + CHUNK_CHARS));
  return chunks.length > 0 ? chunks : ["{}"];
}

export function docChunks(chunks: readonly string[]): Record<`doc${number}`, string> {
  return Object.fromEntries(chunks.map((chunk, index) => [`doc${index}`, chunk]));
}

export function parseDoc(entity: Record<string, unknown>): ResourceDoc {
  const count = typeof entity.chunks === "number" ? entity.chunks : 1;
  let json = "";
  for (let index = 0; index < count; index += 1) {
    const chunk = entity[`doc${index}`];
    if (typeof chunk === "string") json += chunk;
  }
  return parseDocJson(json);
}
