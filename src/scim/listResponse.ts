import type { ScimResource } from "./render";
import { LIST_RESPONSE_SCHEMA } from "./schema/urns";

export interface ListResponse {
  readonly schemas: readonly string[];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly Resources: readonly ScimResource[];
}

export function listResponse(
  resources: readonly ScimResource[],
  totalResults: number,
  startIndex: number,
): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
