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
import type { BookmarkKey, PageBookmarks } from "./pageBookmarks";
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
const MIN_FILTERED_SCAN_PAGE = 50;

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
  /** Where index pages resume (see indexPage); without it every page reads from the first resource. */
  readonly bookmarks?: PageBookmarks;
}

interface Match {
  readonly resource: ScimResource;
  readonly id: string;
  readonly enriched: boolean;
  readonly resume: Position;
  /** No match can follow this one. */
  readonly last: boolean;
}

/**
 * The matches of `filter`, from `from` on. A scan reads storage pages of the page size asked for
 * (`pageSize`), so a page of results costs about its own size in rows, and a page that resumes
 * inside a storage page rereads at most that storage page.
 */
async function* matches(
  context: QueryContext,
  filter: Filter | undefined,
  from?: Position,
  pageSize?: number,
): AsyncIterable<Match> {
  const plan: QueryPlan = filter ? planQuery(context.type, filter) : { kind: "scan" };
  const enrichFirst = context.enrich !== undefined && context.filterNeedsEnrich === true;
  // A filtered scan reads past what does not match; a floor keeps sparse filters from many tiny reads.
  const size = pageSize === undefined || !filter ? pageSize : Math.max(pageSize, MIN_FILTERED_SCAN_PAGE);
  for await (const { stored, resume, last } of candidates(
    context.repository,
    context.tenantId,
    plan,
    from,
    size,
  )) {
    let resource = context.render(stored);
    if (enrichFirst) resource = await context.enrich(resource, stored.id);
    if (filter && !matchesFilter(filter, resource, context.type)) continue;
    yield { resource, id: stored.id, enriched: enrichFirst, resume, last };
  }
}

async function output(context: QueryContext, match: Match, options: QueryOptions): Promise<ScimResource> {
  const resource =
    context.enrich && !match.enriched ? await context.enrich(match.resource, match.id) : match.resource;
  return project(resource, options.projection ?? ALL_ATTRIBUTES);
}

/**
 * RFC 7644 index pagination: 1-based startIndex, count per page, the total of all matches. A page
 * that ends before the last match leaves a bookmark for the page after it (its position in storage
 * and the total), so a walk like Entra's Account Discovery (startIndex 1, 101, 201, …) reads each
 * resource once instead of every resource before each page. Without a bookmark (the first page, a
 * jump, an expired or foreign one) the page is found by reading from the start, as before.
 */
async function indexPage(
  context: QueryContext,
  filter: Filter | undefined,
  options: QueryOptions,
  count: number,
) {
  const startIndex = Math.max(1, options.startIndex ?? 1);
  const key = (at: number): BookmarkKey => ({
    resourceType: context.type.name,
    query: options.filter ?? "",
    startIndex: at,
  });
  const bookmark =
    startIndex > 1 ? await context.bookmarks?.find(context.tenantId, key(startIndex)) : undefined;
  const page: ScimResource[] = [];
  let matched = bookmark ? startIndex - 1 : 0;
  let resume: Position | undefined;
  let more = false;
  // The total is known (bookmark) or comes from a key-only count: the page's end is the walk's end.
  const stopAtPageEnd = !filter || bookmark !== undefined;
  if (count > 0 || !stopAtPageEnd) {
    for await (const match of matches(context, filter, bookmark?.position, count)) {
      matched += 1;
      if (matched < startIndex || page.length === count) continue;
      page.push(await output(context, match, options));
      resume = match.resume;
      more = !match.last;
      if (page.length === count && stopAtPageEnd) break;
    }
  }
  const total =
    bookmark?.totalResults ?? (filter ? matched : await context.repository.count(context.tenantId));
  if (context.bookmarks && bookmark) await context.bookmarks.remove(context.tenantId, key(startIndex));
  if (context.bookmarks && more && resume) {
    await context.bookmarks.save(context.tenantId, key(startIndex + page.length), {
      position: resume,
      totalResults: total,
    });
  }
  return listResponse(page, total, startIndex);
}

/**
 * RFC 9865 cursor pagination over storage continuation tokens: no page ever rereads the ones
 * before. An unfiltered walk counts its total on the first page and carries it in the cursor.
 */
async function cursorPage(
  context: QueryContext,
  filter: Filter | undefined,
  options: QueryOptions,
  count: number,
) {
  const page: ScimResource[] = [];
  let last: Position | undefined;
  let more = false;
  const from = decodeCursor(options.cursor ?? "");
  if (count > 0) {
    for await (const match of matches(context, filter, from, count)) {
      // A filtered walk looks for one more match, so that its last page says there is no next one.
      if (page.length === count) {
        more = true;
        break;
      }
      page.push(await output(context, match, options));
      last = match.resume;
      if (page.length === count && !filter) {
        more = !match.last;
        break;
      }
    }
  }
  const total = filter ? undefined : (from?.total ?? (await context.repository.count(context.tenantId)));
  const next =
    more && last ? encodeCursor({ ...last, ...(total === undefined ? {} : { total }) }) : undefined;
  return cursorListResponse(page, total, next);
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
    const match = {
      resource: context.render(stored),
      id: stored.id,
      enriched: false,
      resume: { skip: 0 },
      last: false,
    };
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
