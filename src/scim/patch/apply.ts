import { badRequest } from "../errors";
import { readAttribute, writeAttribute } from "../resource/access";
import { coerceAttributeValue, isEncodedRole } from "../resource/coerce";
import { copyDoc } from "../resource/docJson";
import { isPlainObject, type ResourceDoc } from "../resource/types";
import { isWriteOnly } from "../resource/writeOnly";
import type { ResourceType } from "../schema/resourceType";
import type { AttributeDefinition } from "../schema/types";
import {
  elementImpliedBy,
  elementMatches,
  elementsOf,
  keepOnePrimary,
  sameElement,
  type Element,
} from "./elements";
import { FilterBudget } from "./budget";
import { expandOperations, type TargetedOperation } from "./expand";
import type { PatchOperation } from "./request";
import { describeTarget, type PatchTarget } from "./target";

type AttributeTarget = Extract<PatchTarget, { kind: "attribute" }>;

function isCleared(value: unknown): boolean {
  return (
    value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
  );
}

function coerceSub(sub: AttributeDefinition, value: unknown, target: AttributeTarget): unknown {
  return coerceAttributeValue(sub, value, describeTarget(target));
}

/** Writes back a multi-valued attribute, dropping elements left empty and the attribute if none remain. */
function writeElements(doc: ResourceDoc, target: AttributeTarget, elements: Element[]): void {
  const remaining = elements.filter((element) => Object.keys(element).length > 0);
  writeAttribute(doc, target.attribute, remaining.length > 0 ? remaining : undefined);
}

function setSubOn(element: Element, sub: AttributeDefinition, value: unknown): void {
  if (value === undefined) delete element[sub.name];
  else element[sub.name] = value;
}

/** A new value for a complex attribute that identifies a referent (`value`) replaces it; others merge. */
function mergeComplex(existing: unknown, incoming: Element): Element {
  if ("value" in incoming || !isPlainObject(existing)) return incoming;
  return { ...existing, ...incoming };
}

function addElements(existing: Element[], incoming: Element[]): Element[] {
  const result = [...existing];
  for (const element of incoming) {
    const same = result.find((stored) => sameElement(stored, element) && stored.type === element.type);
    if (same) Object.assign(same, element);
    else result.push(element);
  }
  return result;
}

/** `replace` swaps a filtered element's content; `add` merges into it. */
function replaceOrMerge(element: Element, incoming: Element, verb: string): void {
  if (verb === "replace") for (const key of Object.keys(element)) delete element[key];
  Object.assign(element, incoming);
}

function setFiltered(
  doc: ResourceDoc,
  type: ResourceType,
  target: AttributeTarget,
  value: unknown,
  verb: string,
) {
  const filter = target.valueFilter;
  if (!filter) return;
  const elements = elementsOf(readAttribute(doc, target.attribute));
  const matches = elements.filter((element) => elementMatches(type, target.attribute, filter, element));
  const sub = target.subAttribute;
  const incoming = sub
    ? coerceSub(sub, value, target)
    : (coerceAttributeValue(
        { ...target.attribute.attribute, multiValued: false },
        value,
        describeTarget(target),
      ) as Element | undefined);
  if (matches.length === 0) {
    const implied = elementImpliedBy(target.attribute, filter);
    if (!implied) {
      throw badRequest(
        "noTarget",
        `No value of '${describeTarget(target)}' matches the filter of the ${verb}.`,
      );
    }
    const created = sub ? { ...implied, [sub.name]: incoming } : { ...implied, ...(incoming as Element) };
    elements.push(created);
    keepOnePrimary(elements, created);
  } else {
    for (const element of matches) {
      if (sub) setSubOn(element, sub, incoming);
      else replaceOrMerge(element, incoming as Element, verb);
    }
    keepOnePrimary(elements, matches[matches.length - 1]);
  }
  writeElements(doc, target, elements);
}

function setAttributeValue(
  doc: ResourceDoc,
  type: ResourceType,
  target: AttributeTarget,
  value: unknown,
  verb: string,
) {
  const definition = target.attribute.attribute;
  if (target.valueFilter && target.subAttribute?.name === "value" && isEncodedRole(definition, value)) {
    // `roles[primary eq "True"].value` set to Entra's JSON-encoded role: its value and display.
    setFiltered(doc, type, { ...target, subAttribute: undefined }, { value }, "add");
    return;
  }
  if (target.valueFilter) {
    setFiltered(doc, type, target, value, verb);
    return;
  }
  const sub = target.subAttribute;
  const current = readAttribute(doc, target.attribute);
  if (sub && definition.multiValued) {
    const elements = elementsOf(current);
    const incoming = coerceSub(sub, value, target);
    if (elements.length === 0) elements.push({});
    for (const element of elements) setSubOn(element, sub, incoming);
    writeElements(doc, target, elements);
  } else if (sub) {
    const element = isPlainObject(current) ? { ...current } : {};
    setSubOn(element, sub, coerceSub(sub, value, target));
    writeAttribute(doc, target.attribute, Object.keys(element).length > 0 ? element : undefined);
  } else if (definition.multiValued) {
    const incoming = elementsOf(coerceAttributeValue(definition, value, describeTarget(target)));
    const elements = verb === "add" ? addElements(elementsOf(current), incoming) : incoming;
    keepOnePrimary(elements, incoming[incoming.length - 1]);
    writeElements(doc, target, elements);
  } else {
    const incoming = coerceAttributeValue(definition, value, describeTarget(target));
    const merged =
      definition.type === "complex" && isPlainObject(incoming) ? mergeComplex(current, incoming) : incoming;
    writeAttribute(doc, target.attribute, merged);
  }
}

function removeAttributeValue(doc: ResourceDoc, type: ResourceType, target: AttributeTarget, value: unknown) {
  const definition = target.attribute.attribute;
  const current = readAttribute(doc, target.attribute);
  const sub = target.subAttribute;
  if (!definition.multiValued) {
    if (sub && isPlainObject(current)) {
      const element = { ...current };
      delete element[sub.name];
      writeAttribute(doc, target.attribute, Object.keys(element).length > 0 ? element : undefined);
    } else if (!sub) {
      writeAttribute(doc, target.attribute, undefined);
    }
    return;
  }
  const elements = elementsOf(current);
  const filter = target.valueFilter;
  const selected = filter
    ? elements.filter((element) => elementMatches(type, target.attribute, filter, element))
    : elements;
  if (sub) {
    for (const element of selected) delete element[sub.name];
    writeElements(doc, target, elements);
    return;
  }
  // Entra's default dialect removes members with `path: "members", value: [{value: id}]`:
  // only the listed values go, never the whole attribute.
  const named =
    filter || isCleared(value)
      ? []
      : elementsOf(coerceAttributeValue(definition, value, describeTarget(target)));
  const doomed = filter
    ? selected
    : named.length > 0
      ? elements.filter((element) => named.some((n) => sameElement(element, n)))
      : elements;
  writeElements(
    doc,
    target,
    elements.filter((element) => !doomed.includes(element)),
  );
}

/**
 * A multi-valued attribute of simple values (a tenant's multi-valued extension attribute): `add`
 * appends the values not held yet, `replace` sets them, `remove` drops the named values or all.
 */
function changeSimpleValues(doc: ResourceDoc, target: AttributeTarget, verb: string, value: unknown): void {
  const definition = target.attribute.attribute;
  const incoming = isCleared(value)
    ? []
    : (coerceAttributeValue(definition, value, describeTarget(target)) as unknown[]);
  const current = readAttribute(doc, target.attribute);
  const held: unknown[] = Array.isArray(current) ? current : [];
  const next =
    verb === "replace"
      ? incoming
      : verb === "add"
        ? [...held, ...incoming.filter((item) => !held.includes(item))]
        : incoming.length === 0
          ? []
          : held.filter((item) => !incoming.includes(item));
  writeAttribute(doc, target.attribute, next.length > 0 ? next : undefined);
}

function isSimpleMultiValued(target: AttributeTarget): boolean {
  const definition = target.attribute.attribute;
  return (
    definition.multiValued && definition.type !== "complex" && !target.subAttribute && !target.valueFilter
  );
}

function refuseReadOnly(target: PatchTarget): void {
  if (target.kind !== "attribute") return;
  const mutability = (target.subAttribute ?? target.attribute.attribute).mutability;
  if (mutability === "readOnly" || target.attribute.attribute.mutability === "readOnly") {
    throw badRequest("mutability", `'${describeTarget(target)}' is read-only.`);
  }
}

function applyOne(
  doc: ResourceDoc,
  type: ResourceType,
  operation: TargetedOperation,
  budget: FilterBudget,
): void {
  const { verb, target, value } = operation;
  refuseReadOnly(target);
  // Accepted, never stored: a password (path, path-less or URN-qualified) goes no further.
  if (target.kind === "attribute" && isWriteOnly(target.attribute.attribute)) return;
  if (target.kind === "attribute" && target.valueFilter)
    budget.charge(target.valueFilter, elementsOf(readAttribute(doc, target.attribute)).length);
  if (target.kind === "extension") {
    if (verb === "remove" || isCleared(value)) delete doc[target.schema.id];
    return;
  }
  if (isSimpleMultiValued(target)) {
    changeSimpleValues(doc, target, verb === "remove" || isCleared(value) ? "remove" : verb, value);
    return;
  }
  if (verb === "remove" || isCleared(value))
    removeAttributeValue(doc, type, target, verb === "remove" ? value : undefined);
  else setAttributeValue(doc, type, target, value, verb);
}

/**
 * Applies PATCH operations (both Entra dialects, RFC 7644 §3.5.2 semantics) to a copy of `doc`.
 * Any failing operation throws before the caller stores anything, so a request applies whole or not at all.
 */
export function applyPatch(
  type: ResourceType,
  doc: ResourceDoc,
  operations: readonly PatchOperation[],
): ResourceDoc {
  // A JSON copy: documents are JSON, and structuredClone's recursion fails thousands of levels
  // sooner (rows stored before bodies had a depth limit may nest that deep).
  const result = copyDoc(doc);
  const budget = new FilterBudget();
  for (const operation of expandOperations(type, operations)) applyOne(result, type, operation, budget);
  return result;
}
