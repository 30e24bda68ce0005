import { badRequest } from "../scim/errors";
import type { Filter } from "../scim/filter/ast";
import { matchesFilter, validateFilterPaths } from "../scim/filter/evaluate";
import { parseFilter } from "../scim/filter/parser";
import { cursorListResponse, listResponse, type ListResponse } from "../scim/listResponse";
import { ALL_ATTRIBUTES, project, type AttributeSelection } from "../scim/projection";
import type { ScimResource } from "../scim/render";
import type { ResourceType } from "../scim/schema/resourceType";
import { isWriteOnly } from "../scim/resource/writeOnly";
import { compareSortKeys, sortKeyOf, type SortKey } from "../scim/sortKey";
import {
  candidates,
  decodeCursor,
  encodeCursor,
  mapBounded,
  READ_CONCURRENCY,
  type Position,
} from "./candidates";
import { planQuery, type QueryPlan } from "./queryPlanner";
import type { ResourceRepository, StoredResource } from "./repository";

export interface QueryOptions {
  readonly filter?: string;
  readonly startIndex?: number;
  readonly count?: number;
  readonly sortBy?: string;
  readonly sortOrder?: "ascending" | "descending";
  /** RFC 9865: present (even empty, for the first page) selects cursor pagination. */
  readonly cursor?: string;
  /** `attributes` / `excludedAttributes`, parsed once for the whole response. */
  readonly projection?: AttributeSelection;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Adds what is not stored in the resource document (a group's members, a user's groups). */
export type Enrich = (resource: ScimResource, id: string) => Promise<ScimResource>;

export interface QueryContext {
  readonly type: ResourceType;
  readonly repository: ResourceRepository;
  readonly tenantId: string;
  readonly render: (stored: StoredResource) => ScimResource;
  readonly enrich?: Enrich;
  /** Enrich every candidate before filtering (a filter on a group's members). */
  readonly filterNeedsEnrich?: boolean;
}

interface Match {
  readonly resource: ScimResource;
  readonly id: string;
  readonly enriched: boolean;
  readonly resume: Position;
}

async function* matches(
  context: QueryContext,
  filter: Filter | undefined,
  from?: Position,
): AsyncIterable<Match> {
  const plan: QueryPlan = filter ? planQuery(context.type, filter) : { kind: "scan" };
  const enrichFirst = context.enrich !== undefined && context.filterNeedsEnrich === true;
  for await (const { stored, resume } of candidates(context.repository, context.tenantId, plan, from)) {
    let resource = context.render(stored);
    if (enrichFirst) resource = await context.enrich(resource, stored.id);
    if (filter && !matchesFilter(filter, resource, context.type)) continue;
    yield { resource, id: stored.id, enriched: enrichFirst, resume };
  }
}

async function output(context: QueryContext, match: Match, options: QueryOptions): Promise<ScimResource> {
  const resource =
    context.enrich && !match.enriched ? await context.enrich(match.resource, match.id) : match.resource;
  return project(resource, options.projection ?? ALL_ATTRIBUTES);
}

/** RFC 7644 index pagination: 1-based startIndex, count per page, the total of all matches. */
async function indexPage(
  context: QueryContext,
  filter: Filter | undefined,
  options: QueryOptions,
  count: number,
) {
  const startIndex = Math.max(1, options.startIndex ?? 1);
  const page: ScimResource[] = [];
  let matched = 0;
  for await (const match of matches(context, filter)) {
    matched += 1;
    if (matched < startIndex) continue;
    if (page.length < count) page.push(await output(context, match, options));
    // Without a filter the total comes from a key-only count, so the scan can stop here.
    else if (!filter) break;
  }
  const total = filter ? matched : await context.repository.count(context.tenantId);
  return listResponse(page, total, startIndex);
}

/** RFC 9865 cursor pagination over storage continuation tokens: no page ever rereads the ones before. */
async function cursorPage(
  context: QueryContext,
  filter: Filter | undefined,
  options: QueryOptions,
  count: number,
) {
  const page: ScimResource[] = [];
  let last: Position | undefined;
  let more = false;
  for await (const match of matches(context, filter, decodeCursor(options.cursor ?? ""))) {
    if (page.length === count) {
      more = true;
      break;
    }
    page.push(await output(context, match, options));
    last = match.resume;
  }
  const total = filter ? undefined : await context.repository.count(context.tenantId);
  return cursorListResponse(page, total, more && last ? encodeCursor(last) : undefined);
}

/** sortBy/sortOrder: keys of every match are sorted in memory, then only the page is read again. */
async function sortedPage(
  context: QueryContext,
  filter: Filter | undefined,
  options: QueryOptions,
  count: number,
) {
  const sortBy = options.sortBy ?? "";
  const colon = sortBy.lastIndexOf(":");
  const [attribute = "", subAttribute] = (colon >= 0 ? sortBy.slice(colon + 1) : sortBy).split(".");
  const target = context.type.resolve({
    ...(colon >= 0 ? { schema: sortBy.slice(0, colon) } : {}),
    attribute,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  });
  if (!target || isWriteOnly(target.attribute))
    throw badRequest("invalidValue", `Cannot sort by '${sortBy}': no such attribute.`);
  const keys: { key: SortKey; id: string }[] = [];
  for await (const match of matches(context, filter))
    keys.push({ key: sortKeyOf(match.resource, target), id: match.id });
  const descending = options.sortOrder === "descending";
  keys.sort(
    (left, right) => compareSortKeys(left.key, right.key, descending) || (left.id < right.id ? -1 : 1),
  );
  const startIndex = Math.max(1, options.startIndex ?? 1);
  const pageIds = keys.slice(startIndex - 1, startIndex - 1 + count).map(({ id }) => id);
  const read = await mapBounded(pageIds, READ_CONCURRENCY, (id) =>
    context.repository.get(context.tenantId, id),
  );
  const page: ScimResource[] = [];
  for (const stored of read) {
    if (!stored) continue;
    const match = { resource: context.render(stored), id: stored.id, enriched: false, resume: { skip: 0 } };
    page.push(await output(context, match, options));
  }
  return listResponse(page, keys.length, startIndex);
}

/** Lists or filters resources, planned against the indexes (see queryPlanner). */
export async function runQuery(context: QueryContext, options: QueryOptions): Promise<ListResponse> {
  const filter = options.filter === undefined ? undefined : parseFilter(options.filter);
  // An unknown attribute must not quietly match nobody: Entra would then create a duplicate.
  if (filter) validateFilterPaths(filter, context.type);
  const count = Math.min(Math.max(0, options.count ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  if (options.cursor !== undefined) {
    if (options.sortBy !== undefined)
      throw badRequest("invalidValue", "sortBy cannot be combined with a cursor.");
    return cursorPage(context, filter, options, count);
  }
  if (options.sortBy !== undefined) return sortedPage(context, filter, options, count);
  return indexPage(context, filter, options, count);
}
