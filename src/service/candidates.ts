import { z } from "zod";
import { badRequest } from "../scim/errors";
import type { QueryPlan } from "./queryPlanner";
import type { ResourceRepository, StoredResource } from "./repository";

/** Where a listing stands: the storage page token (scans) and how many items of it were used. */
export interface Position {
  readonly token?: string;
  readonly skip: number;
  /** The listing is a scan (planned, or fallen back to), whatever its plan: resume it as one. */
  readonly scan?: true;
}

/** A cursor's position, and the walk's total counted on its first page (so no page counts again). */
export interface CursorState extends Position {
  readonly total?: number;
}

export interface Candidate {
  readonly stored: StoredResource;
  /** Resuming from here continues just after this candidate. */
  readonly resume: Position;
  /** No candidate follows this one. */
  readonly last: boolean;
}

/**
 * Most resources index reads may name before the scan is cheaper: each is a point read, where a
 * scan reads 200 rows a round trip. Past this, the plan's reads are abandoned for one scan.
 */
export const MAX_INDEXED_CANDIDATES = 100;

/** Point reads (and a union's index reads) in flight at once for one request. */
export const READ_CONCURRENCY = 8;

const positionSchema = z.strictObject({
  token: z.string().max(4096).optional(),
  skip: z.number().int().min(0),
  scan: z.literal(true).optional(),
  total: z.number().int().min(0).optional(),
});

/** RFC 9865 cursors: opaque to clients, a storage continuation token plus an offset to us. */
export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): CursorState | undefined {
  if (cursor === "") return undefined;
  try {
    const parsed = positionSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return {
      ...(parsed.token === undefined ? {} : { token: parsed.token }),
      skip: parsed.skip,
      ...(parsed.scan ? { scan: true } : {}),
      ...(parsed.total === undefined ? {} : { total: parsed.total }),
    };
  } catch {
    throw badRequest("invalidCursor", "The cursor is not one this server issued.");
  }
}

/** Maps `items` through `work` with at most `limit` in flight, keeping their order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The ids a plan names, or undefined when they are more than MAX_INDEXED_CANDIDATES. */
async function idsOf(
  repository: ResourceRepository,
  tenantId: string,
  plan: QueryPlan,
): Promise<string[] | undefined> {
  const enough = MAX_INDEXED_CANDIDATES + 1;
  let ids: string[];
  switch (plan.kind) {
    case "ids":
      ids = [...plan.ids];
      break;
    case "index":
      ids = await repository.findIds(tenantId, plan.index, plan.value, enough);
      break;
    case "prefix":
      ids = await repository.findIdsByPrefix(tenantId, plan.index, plan.prefix, enough);
      break;
    case "compare":
      ids = await repository.findIdsByComparison(tenantId, plan.index, plan.op, plan.value, enough);
      break;
    case "union": {
      const parts = await mapBounded(plan.plans, READ_CONCURRENCY, (part) =>
        idsOf(repository, tenantId, part),
      );
      if (parts.some((part) => part === undefined)) return undefined;
      ids = [...new Set(parts.flatMap((part) => part ?? []))];
      break;
    }
    case "scan":
      return undefined;
  }
  return ids.length > MAX_INDEXED_CANDIDATES ? undefined : ids;
}

/**
 * The tenant's resources in storage order, asking storage for pages of `pageSize` rows. After the
 * last candidate of a storage page the position is the next page's token, so resuming there reads
 * nothing twice.
 */
async function* scan(
  repository: ResourceRepository,
  tenantId: string,
  from?: Position,
  pageSize?: number,
): AsyncIterable<Candidate> {
  let skip = from?.skip ?? 0;
  for await (const page of repository.scanPages(tenantId, from?.token, pageSize)) {
    for (let index = skip; index < page.items.length; index += 1) {
      const stored = page.items[index];
      if (!stored) continue;
      const endOfPage = index === page.items.length - 1;
      const resume: Position =
        endOfPage && page.next !== undefined
          ? { token: page.next, skip: 0, scan: true }
          : { ...(page.token === undefined ? {} : { token: page.token }), skip: index + 1, scan: true };
      yield { stored, resume, last: endOfPage && page.next === undefined };
    }
    skip = 0;
  }
}

/**
 * The resources a plan names, in a stable order, resumable from a position. Index plans read
 * their candidates a few at a time in parallel; a plan naming more than MAX_INDEXED_CANDIDATES
 * becomes a scan (the filter is evaluated on every candidate either way), in storage pages of
 * `pageSize` rows.
 */
export async function* candidates(
  repository: ResourceRepository,
  tenantId: string,
  plan: QueryPlan,
  from?: Position,
  pageSize?: number,
): AsyncIterable<Candidate> {
  const ids = from?.scan ? undefined : await idsOf(repository, tenantId, plan);
  if (ids === undefined && from !== undefined && !from.scan && plan.kind !== "scan") {
    // The walk began on index reads that now name too many: its position means nothing in a scan.
    throw badRequest(
      "expiredCursor",
      "The results changed too much since the cursor was issued; start again.",
    );
  }
  if (ids === undefined) {
    yield* scan(repository, tenantId, from, pageSize);
    return;
  }
  for (let start = from?.skip ?? 0; start < ids.length; start += READ_CONCURRENCY) {
    const batch = ids.slice(start, start + READ_CONCURRENCY);
    const read = await mapBounded(batch, READ_CONCURRENCY, (id) => repository.get(tenantId, id));
    for (const [offset, stored] of read.entries()) {
      const index = start + offset;
      if (stored) yield { stored, resume: { skip: index + 1 }, last: index === ids.length - 1 };
    }
  }
}
