import type { ResolvedAttribute } from "../schema/types";
import { isPlainObject, type ResourceDoc } from "./types";

/** The object that holds `target`'s attribute: the doc itself for core, its extension object otherwise. */
function container(
  doc: ResourceDoc,
  target: ResolvedAttribute,
  create: boolean,
): Record<string, unknown> | undefined {
  if (target.core) return doc;
  const existing = doc[target.schema];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const created: Record<string, unknown> = {};
  doc[target.schema] = created;
  return created;
}

export function readAttribute(doc: ResourceDoc, target: ResolvedAttribute): unknown {
  return container(doc, target, false)?.[target.attribute.name];
}

/** Sets or (for undefined) removes the attribute; an extension object left empty is removed too. */
export function writeAttribute(doc: ResourceDoc, target: ResolvedAttribute, value: unknown): void {
  const holder = container(doc, target, value !== undefined);
  if (!holder) return;
  if (value === undefined) delete holder[target.attribute.name];
  else holder[target.attribute.name] = value;
  if (!target.core && Object.keys(holder).length === 0) delete doc[target.schema];
}
