import { badRequest } from "../errors";
import type { Filter } from "../filter/ast";

/**
 * Most value-filter evaluations one PATCH may make: conditions × elements, summed over its
 * operations. Entra's value paths hold one condition (`emails[type eq "work"].value`) over at most
 * a few dozen elements; a hostile PATCH of 57 operations × 235 conditions × 100 long phone numbers
 * would make over a million.
 */
export const MAX_VALUE_FILTER_EVALUATIONS = 10_000;

/** The conditions (`attr op value`, `attr pr`) in a filter. */
export function conditionsIn(filter: Filter): number {
  switch (filter.kind) {
    case "and":
    case "or":
      return conditionsIn(filter.left) + conditionsIn(filter.right);
    case "not":
      return conditionsIn(filter.filter);
    case "valuePath":
      return conditionsIn(filter.filter);
    default:
      return 1;
  }
}

/** Counts a PATCH's value-filter work before each operation does it, refusing what exceeds the budget. */
export class FilterBudget {
  private spent = 0;

  /** Before filtering `elements` elements with `filter`; throws (nothing is stored) past the budget. */
  charge(filter: Filter, elements: number): void {
    this.spent += conditionsIn(filter) * elements;
    if (this.spent > MAX_VALUE_FILTER_EVALUATIONS) {
      throw badRequest(
        "invalidValue",
        `The PATCH's value filters would make more than ${MAX_VALUE_FILTER_EVALUATIONS} evaluations ` +
          "(conditions × elements, the value-filter limit); send fewer or simpler operations.",
      );
    }
  }
}
