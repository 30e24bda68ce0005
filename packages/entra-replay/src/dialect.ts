import { USER_MAPPING, type UserState } from "./population";
import { ENTERPRISE_USER, PATCH_OP } from "./urns";

/**
 * The two PATCH dialects Entra speaks (docs/entra-behaviour.md#two-patch-dialects-from-one-tenant):
 * - default: capitalised ops, one op per attribute with a path, `active` as "True"/"False";
 * - aadOptscim062020: lowercase ops, one path-less replace with dotted and URN keys, value-path
 *   targets as their own ops, `active` as a JSON boolean.
 */
export type Dialect = "default" | "aadOptscim062020";
export const DIALECTS: readonly Dialect[] = ["default", "aadOptscim062020"];

export interface PatchOperation {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

export function patchBody(operations: readonly PatchOperation[]): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function opName(dialect: Dialect, op: "add" | "replace" | "remove"): string {
  return dialect === "default" ? op.charAt(0).toUpperCase() + op.slice(1) : op;
}

/** `active` as the dialect sends it: the default mapping's Switch() yields the strings "True"/"False". */
export function activeValue(dialect: Dialect, active: boolean): string | boolean {
  if (dialect === "aadOptscim062020") return active;
  return active ? "True" : "False";
}

const isValuePath = (target: string) => target.includes("[");

/** The operations Entra emits for the differences between what it last read and what it holds now. */
export function userDiff(dialect: Dialect, before: UserState, after: UserState): PatchOperation[] {
  const changed = USER_MAPPING.filter(
    (attribute) => after[attribute.key] !== undefined && before[attribute.key] !== after[attribute.key],
  );
  const wire = (key: keyof UserState): unknown =>
    key === "active" ? activeValue(dialect, after.active) : after[key];
  if (dialect === "default") {
    return changed.map((attribute) => ({
      op: before[attribute.key] === undefined ? "Add" : "Replace",
      path: attribute.target,
      value: wire(attribute.key),
    }));
  }
  const combined: Record<string, unknown> = {};
  const separate: PatchOperation[] = [];
  for (const attribute of changed) {
    if (isValuePath(attribute.target))
      separate.push({ op: "replace", path: attribute.target, value: wire(attribute.key) });
    else combined[attribute.target] = wire(attribute.key);
  }
  return [...(Object.keys(combined).length > 0 ? [{ op: "replace", value: combined }] : []), ...separate];
}

export const MANAGER_PATH = `${ENTERPRISE_USER}:manager`;
export const WORK_PHONE_PATH = 'phoneNumbers[type eq "work"].value';

/** The three manager shapes seen from Entra and its validator (docs/entra-behaviour.md#manager-as-a-bare-id). */
export type ManagerForm = "bare string" | "array with $ref" | "object {value}";
export const MANAGER_FORMS: readonly ManagerForm[] = ["bare string", "array with $ref", "object {value}"];

export function managerOperation(form: ManagerForm, managerId: string, usersUrl: string): PatchOperation {
  switch (form) {
    case "bare string":
      return { op: "add", path: MANAGER_PATH, value: managerId };
    case "array with $ref":
      return { op: "Add", path: "manager", value: [{ $ref: `${usersUrl}/${managerId}`, value: managerId }] };
    case "object {value}":
      return { op: "replace", path: MANAGER_PATH, value: { value: managerId } };
  }
}
