import { randomUUID } from "node:crypto";
import type { TableClient, TableEntity, TransactionAction } from "@azure/data-tables";
import { canonicaliseResource } from "../../src/scim/resource/canonicalise";
import type { ResourceDoc } from "../../src/scim/resource/types";
import { groupResourceType, userResourceType } from "../../src/scim/schema/resourceType";
import {
  docChunks,
  groupKind,
  indexRowKeys,
  MEMBERSHIPS_PROPERTY,
  newGenerationAction,
  resourceRowKey,
  serializeDoc,
  TableMembershipStore,
  userKind,
  type ResourceKind,
} from "../../src/store";
import {
  createGroupBody,
  createUserBody,
  generateGroup,
  generateUser,
  inParallel,
} from "../../packages/entra-replay/src/index";

/**
 * The rows of one resource exactly as TableResourceStore writes them (the resource row `u|id` or
 * `g|id` with the document in chunks, plus its index rows), built from the same helpers.
 */
export interface ResourceRows {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly doc: ResourceDoc;
  readonly userName?: string;
  readonly entity: TableEntity;
  readonly indexRows: readonly TableEntity[];
}

export function resourceRows(
  kind: ResourceKind,
  tenantId: string,
  id: string,
  doc: ResourceDoc,
  now = new Date().toISOString(),
): ResourceRows {
  const chunks = serializeDoc(doc);
  return {
    kind,
    id,
    doc,
    ...(typeof doc.userName === "string" ? { userName: doc.userName } : {}),
    entity: {
      partitionKey: tenantId,
      rowKey: resourceRowKey(kind, id),
      created: now,
      lastModified: now,
      chunks: chunks.length,
      // Created rows start outside any membership, as TableResourceStore writes them.
      [MEMBERSHIPS_PROPERTY]: false,
      ...docChunks(chunks),
    },
    indexRows: indexRowKeys(kind, doc, id).map((rowKey) => ({ partitionKey: tenantId, rowKey, id })),
  };
}

/** An Entra-shaped user (the Teamgo mapping), canonicalised as the service would store it. */
export function userRows(tenantId: string, run: string, index: number): ResourceRows {
  const doc = canonicaliseResource(userResourceType, createUserBody(generateUser(run, index)));
  return resourceRows(userKind, tenantId, randomUUID(), doc);
}

export function groupRows(tenantId: string, run: string, index: number): ResourceRows {
  const doc = canonicaliseResource(groupResourceType, createGroupBody(generateGroup(run, index)));
  return resourceRows(groupKind, tenantId, randomUUID(), doc);
}

function rowCreates(rows: ResourceRows): TransactionAction[] {
  return [rows.entity, ...rows.indexRows].map((entity): TransactionAction => ["create", entity]);
}

/**
 * The create transaction: resource row then index rows, each a "create", and the new generation of
 * the tenant's kept count (what POST costs in storage).
 */
export function createActions(rows: ResourceRows): TransactionAction[] {
  return [...rowCreates(rows), newGenerationAction(rows.entity.partitionKey, rows.kind)];
}

function inChunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

const SEED_PARALLELISM = 8;
const MAX_ACTIONS = 100;

/**
 * Seeds resources fast: many resources' rows per entity-group transaction (at most 100 actions),
 * several transactions in flight. Same rows as one create each, without going through HTTP.
 */
export async function seedResources(
  client: TableClient,
  make: (index: number) => ResourceRows,
  count: number,
  onProgress?: (done: number) => void,
): Promise<ResourceRows[]> {
  const all = Array.from({ length: count }, (_, index) => make(index));
  const batches: ResourceRows[][] = [];
  let batch: ResourceRows[] = [];
  let actions = 0;
  for (const rows of all) {
    const size = 1 + rows.indexRows.length;
    // One action of each transaction renews the generation, as every create does.
    if (actions + size > MAX_ACTIONS - 1) {
      batches.push(batch);
      batch = [];
      actions = 0;
    }
    batch.push(rows);
    actions += size;
  }
  if (batch.length > 0) batches.push(batch);
  let done = 0;
  await inParallel(batches, SEED_PARALLELISM, async (resources) => {
    const [first] = resources;
    if (first === undefined) return;
    await client.submitTransaction([
      ...resources.flatMap(rowCreates),
      newGenerationAction(first.entity.partitionKey, first.kind),
    ]);
    done += resources.length;
    onProgress?.(done);
  });
  return all;
}

/** Members per call: one transaction of the store (3 actions a member beside the group row). */
const MEMBERS_PER_ADD = 33;

/** Adds members through TableMembershipStore itself, one full transaction per call, several in flight. */
export async function seedMembers(
  client: TableClient,
  tenantId: string,
  groupId: string,
  memberIds: readonly string[],
  onProgress?: (done: number) => void,
): Promise<void> {
  const store = new TableMembershipStore(client);
  const now = new Date().toISOString();
  let done = 0;
  await inParallel(inChunks(memberIds, MEMBERS_PER_ADD), SEED_PARALLELISM, async (ids) => {
    await store.add(tenantId, groupId, ids, now);
    done += ids.length;
    onProgress?.(done);
  });
}
