import { badRequest } from "../scim/errors";
import { selectAttributes, type AttributeSelection } from "../scim/projection";
import type { ResourceType } from "../scim/schema/resourceType";
import type { QueryOptions } from "../service/resourceService";

/** A query parameter by name, ignoring case (clients send `filter`, `Filter`, `startindex`...). */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = queryParam(query, name);
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^-?\d{1,9}$/.test(raw.trim())) throw badRequest("invalidValue", `'${name}' must be an integer.`);
  return Number(raw);
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** `attributes` / `excludedAttributes`, parsed and resolved once for the whole request. */
export function projectionOf(query: URLSearchParams, type: ResourceType): AttributeSelection {
  return selectAttributes(
    type,
    defined({
      attributes: queryParam(query, "attributes"),
      excludedAttributes: queryParam(query, "excludedAttributes"),
    }),
  );
}

function sortOrderParam(query: URLSearchParams): QueryOptions["sortOrder"] {
  const raw = queryParam(query, "sortOrder")?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (raw === "ascending" || raw === "descending") return raw;
  throw badRequest("invalidValue", "'sortOrder' must be ascending or descending.");
}

/** RFC 7644 §3.4.2 and RFC 9865 list parameters; URLSearchParams already decodes `+` and `%22`. */
export function queryOptions(query: URLSearchParams, projection: AttributeSelection): QueryOptions {
  return defined({
    filter: queryParam(query, "filter"),
    startIndex: integerParam(query, "startIndex"),
    count: integerParam(query, "count"),
    sortBy: queryParam(query, "sortBy"),
    sortOrder: sortOrderParam(query),
    cursor: queryParam(query, "cursor"),
    projection,
  });
}
