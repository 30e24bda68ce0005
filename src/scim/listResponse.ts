import type { ScimResource } from "./render";
import { LIST_RESPONSE_SCHEMA } from "./schema/urns";

export interface ListResponse {
  readonly schemas: readonly string[];
  /** Absent only for a filtered cursor page, where counting would mean reading every match (RFC 9865). */
  readonly totalResults?: number;
  readonly startIndex?: number;
  readonly itemsPerPage: number;
  readonly nextCursor?: string;
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

/** A page of RFC 9865 cursor pagination: `nextCursor` until the last page. */
export function cursorListResponse(
  resources: readonly ScimResource[],
  totalResults: number | undefined,
  nextCursor: string | undefined,
): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    ...(totalResults === undefined ? {} : { totalResults }),
    itemsPerPage: resources.length,
    ...(nextCursor === undefined ? {} : { nextCursor }),
    Resources: resources,
  };
}
