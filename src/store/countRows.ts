import { randomUUID } from "node:crypto";
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { countRowsRead } from "./roundTrips";
import type { ResourceKind } from "./resourceKinds";
import { statusOf } from "./storageErrors";

/**
 * A tenant's count of users (or groups), kept for `totalResults`, with the proof that it is current.
 *
 * Every create and delete of the kind writes a new random value into the generation row
 * (`n|gen|User`), in its own transaction: a blind upsert, so concurrent writers never conflict and a
 * write keeps its single round trip. A full count stores its result in the count row
 * (`n|count|User`) with the generation it read before counting. The count row is used only while
 * the generation is still that value: any create or delete since then (on any instance) changed it,
 * and the next count reads every key again. So a listing's first page costs two point reads instead of
 * reading every key of the tenant, as long as no resource of the kind was created or deleted since
 * the last count, and `totalResults` is never stale.
 */

const GENERATION_PREFIX = "n|gen|";
const COUNT_PREFIX = "n|count|";
const GENERATION_PROPERTY = "g";

type GenerationRow = { partitionKey: string; rowKey: string; g: string };
type CountRow = { partitionKey: string; rowKey: string; count: number; g: string };

function generationRowKey(kind: ResourceKind): string {
  return `${GENERATION_PREFIX}${kind.name}`;
}

function countRowKey(kind: ResourceKind): string {
  return `${COUNT_PREFIX}${kind.name}`;
}

/** The action a create or delete adds to its transaction: a new generation, so kept counts expire. */
export function newGenerationAction(tenantId: string, kind: ResourceKind): TransactionAction {
  const row: GenerationRow = { partitionKey: tenantId, rowKey: generationRowKey(kind), g: randomUUID() };
  return ["upsert", row, "Replace"];
}

/** The kept count and the current generation, read side by side. */
export interface KeptCount {
  /** The count, when it is current (its generation is the tenant's current one). */
  readonly count?: number;
  /** The generation to store a fresh count under ("" when the tenant has none yet). */
  readonly generation: string;
}

async function rowOrUndefined<T extends object>(read: Promise<T>): Promise<T | undefined> {
  try {
    const row = await read;
    countRowsRead(1);
    return row;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The row keys of a kind's generation and kept count, for readers of the whole partition (the checker). */
export function countRowKeys(kind: ResourceKind): { readonly generation: string; readonly count: string } {
  return { generation: generationRowKey(kind), count: countRowKey(kind) };
}

/** What a generation row and a count row (either may be missing) say: the current generation, and the count if it is current. */
export function keptCountOf(
  generation: Readonly<Record<string, unknown>> | undefined,
  kept: Readonly<Record<string, unknown>> | undefined,
): KeptCount {
  const current =
    typeof generation?.[GENERATION_PROPERTY] === "string" ? generation[GENERATION_PROPERTY] : "";
  return {
    generation: current,
    ...(kept !== undefined && kept.g === current && typeof kept.count === "number"
      ? { count: kept.count }
      : {}),
  };
}

export async function keptCount(
  client: TableClient,
  tenantId: string,
  kind: ResourceKind,
): Promise<KeptCount> {
  const [generation, kept] = await Promise.all([
    rowOrUndefined(client.getEntity<GenerationRow>(tenantId, generationRowKey(kind))),
    rowOrUndefined(client.getEntity<CountRow>(tenantId, countRowKey(kind))),
  ]);
  return keptCountOf(generation, kept);
}

/**
 * Keeps a fresh count under the generation read before counting; losing this write only costs a
 * recount. Not kept for a tenant without a generation yet: its rows were written before generations
 * were, by writers that would not have changed one.
 */
export async function keepCount(
  client: TableClient,
  tenantId: string,
  kind: ResourceKind,
  count: number,
  generation: string,
): Promise<void> {
  if (generation === "") return;
  const row: CountRow = { partitionKey: tenantId, rowKey: countRowKey(kind), count, g: generation };
  await client.upsertEntity(row, "Replace").catch(() => undefined);
}
