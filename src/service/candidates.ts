import { z } from "zod";
import { badRequest } from "../scim/errors";
import type { QueryPlan } from "./queryPlanner";
import type { ResourceRepository, StoredResource } from "./repository";

/** Where a listing stands: the storage page token (scans) and how many items of it were used. */
export interface Position {
  readonly token?: string;
  readonly skip: number;
}

export interface Candidate {
  readonly stored: StoredResource;
  /** Resuming from here continues just after this candidate. */
  readonly resume: Position;
}

const positionSchema = z.strictObject({
  token: z.string().max(4096).optional(),
  skip: z.number().int().min(0),
});

/** RFC 9865 cursors: opaque to clients, a storage continuation token plus an offset to us. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): Position | undefined {
  if (cursor === "") return undefined;
  try {
    const parsed = positionSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.token === undefined ? { skip: parsed.skip } : { token: parsed.token, skip: parsed.skip };
  } catch {
    throw badRequest("invalidCursor", "The cursor is not one this server issued.");
  }
}

async function idsOf(repository: ResourceRepository, tenantId: string, plan: QueryPlan): Promise<string[]> {
  switch (plan.kind) {
    case "ids":
      return [...plan.ids];
    case "index":
      return repository.findIds(tenantId, plan.index, plan.value);
    case "prefix":
      return repository.findIdsByPrefix(tenantId, plan.index, plan.prefix);
    case "compare":
      return repository.findIdsByComparison(tenantId, plan.index, plan.op, plan.value);
    case "union":
      return [
        ...new Set((await Promise.all(plan.plans.map((part) => idsOf(repository, tenantId, part)))).flat()),
      ];
    case "scan":
      return [];
  }
}

/** The resources a plan names, in a stable order, resumable from a position. */
export async function* candidates(
  repository: ResourceRepository,
  tenantId: string,
  plan: QueryPlan,
  from?: Position,
): AsyncIterable<Candidate> {
  if (plan.kind === "scan") {
    let skip = from?.skip ?? 0;
    for await (const page of repository.scanPages(tenantId, from?.token)) {
      for (let index = skip; index < page.items.length; index += 1) {
        const stored = page.items[index];
        if (stored)
          yield {
            stored,
            resume: { ...(page.token === undefined ? {} : { token: page.token }), skip: index + 1 },
          };
      }
      skip = 0;
    }
    return;
  }
  const ids = await idsOf(repository, tenantId, plan);
  for (let index = from?.skip ?? 0; index < ids.length; index += 1) {
    const stored = await repository.get(tenantId, ids[index] ?? "");
    if (stored) yield { stored, resume: { skip: index + 1 } };
  }
}
