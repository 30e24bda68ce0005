import type { AttributePath } from "../schema/types";

export type ComparisonOperator = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";

export type FilterValue = string | number | boolean | null;

/** The abstract syntax of a SCIM filter (RFC 7644 §3.4.2.2). */
export type Filter =
  | {
      readonly kind: "compare";
      readonly path: AttributePath;
      readonly op: ComparisonOperator;
      readonly value: FilterValue;
    }
  | { readonly kind: "present"; readonly path: AttributePath }
  | { readonly kind: "and"; readonly left: Filter; readonly right: Filter }
  | { readonly kind: "or"; readonly left: Filter; readonly right: Filter }
  | { readonly kind: "not"; readonly filter: Filter }
  /**
   * `attr[filter]`: true when one element of the multi-valued (or complex) attribute satisfies
   * `filter`, whose paths are relative to the element (`type`, `value`, ...). Entra's
   * `emails[type eq "work"].value eq "x"` is parsed as a valuePath whose filter is
   * `type eq "work" and value eq "x"`, so both conditions must hold for the same element.
   */
  | { readonly kind: "valuePath"; readonly path: AttributePath; readonly filter: Filter };

/** A PATCH operation path (RFC 7644 §3.5.2): `attrPath`, or `valuePath[.subAttr]`. */
export interface PatchPath {
  readonly path: AttributePath;
  /** Present for `attr[filter]` and `attr[filter].sub` forms. */
  readonly valueFilter?: Filter;
}
