import { randomUUID } from "node:crypto";
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import type { ResourceDoc } from "../../src/scim/resource/types";
import {
  auditAction,
  groupKind,
  indexRowKey,
  indexRowKeys,
  memberRowKey,
  parseDoc,
  resourceRowKey,
  reverseRowKey,
  TOMBSTONE_PROPERTY,
  userKind,
  userNameIndex,
} from "../../src/store";
import { auditOfChange, auditRecord, type AuditRecord } from "../../src/service/audit";
import {
  patchBody,
  filterQuery,
  createUserBody,
  generateUser,
  ENTERPRISE_USER,
} from "../../packages/entra-replay/src/index";
import type { BenchTenant } from "./environment";
import type { HttpResult } from "./http";
import { EXHAUSTED, type Operation } from "./load";
import { createActions, resourceRows, userRows, type ResourceRows } from "./rows";

/** A round-trip budget per request: exactly `exact`, or at most `max`. */
export interface RoundTripTarget {
  readonly exact?: number;
  readonly max?: number;
}

export interface BenchOperation {
  readonly name: string;
  /** What the raw side does, for the report. */
  readonly rawDoes: string;
  readonly roundTrips?: RoundTripTarget;
  /** SCIM throughput must reach this share of the raw floor at concurrency 16. */
  readonly throughputTarget?: number;
  /** Builds the SCIM (HTTP) and raw (Table SDK) operations; `tag` names each request for the log. */
  scim(tag: (index: number) => string): Operation;
  raw(): Operation;
}

export interface OperationFixtures {
  readonly tenant: BenchTenant;
  readonly client: TableClient;
  readonly run: string;
  /** Existing users that match, GET, PATCH, disable and add-member work on, round-robin. */
  readonly users: readonly ResourceRows[];
  /** Existing groups that add-member adds to, round-robin. */
  readonly groups: readonly ResourceRows[];
  /** Ids of users the create measurements made; DELETE consumes them. */
  readonly created: string[];
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error("empty fixture");
  return item;
}

/** Undefined when the status is one of `expected`, else what happened (the body's detail if any). */
export function unexpected(result: HttpResult, expected: number, what: string): string | undefined {
  if (result.status === expected) return undefined;
  return `${what}: ${result.status} instead of ${expected} ${result.body.slice(0, 200)}`;
}

function userPath(id: string): string {
  return `/Users/${encodeURIComponent(id)}`;
}

function headers(tag: string): Record<string, string> {
  return { "X-Correlation-Id": tag };
}

/** The default dialect: capitalised ops, one per attribute with a path, `active` as "False". */
function defaultDialectPatch(index: number): Record<string, unknown> {
  return patchBody([
    { op: "Replace", path: "title", value: `Title ${index}` },
    { op: "Replace", path: "name.familyName", value: `Family ${index}` },
    { op: "Replace", path: 'addresses[type eq "work"].locality', value: `City ${index}` },
    { op: "Add", path: `${ENTERPRISE_USER}:department`, value: `Dept ${index}` },
    { op: "Replace", path: "active", value: "False" },
  ]);
}

/** aadOptscim062020: one path-less replace with dotted and URN keys, `active` as a boolean. */
function aadOptPatch(index: number): Record<string, unknown> {
  return patchBody([
    {
      op: "replace",
      value: {
        displayName: `Display ${index}`,
        "name.givenName": `Given ${index}`,
        title: `Principal ${index}`,
        [`${ENTERPRISE_USER}:department`]: `Dept ${index}`,
        active: true,
      },
    },
  ]);
}

/**
 * Entra's disable, plus a per-request title: users are visited more than once, and a PATCH that
 * changes nothing writes nothing, which would flatter the figure against the raw write.
 */
function disableBody(index: number): Record<string, unknown> {
  return patchBody([
    { op: "Replace", path: "active", value: "False" },
    { op: "Replace", path: "title", value: `Disabled ${index}` },
  ]);
}

async function getEntity(
  client: TableClient,
  tenantId: string,
  rowKey: string,
): Promise<TableEntityResult<Record<string, unknown>>> {
  return client.getEntity(tenantId, rowKey);
}

/**
 * Raw read-modify-write: read the row, replace it guarded by its ETag and write the audit row (what
 * PATCH costs in storage).
 */
async function rawRewrite(
  client: TableClient,
  tenantId: string,
  user: ResourceRows,
  change: (doc: ResourceDoc) => ResourceDoc,
  audit: AuditRecord,
): Promise<undefined> {
  const entity = await getEntity(client, tenantId, resourceRowKey(userKind, user.id));
  const next = resourceRows(userKind, tenantId, user.id, change(parseDoc(entity)));
  await client.submitTransaction([
    ["update", { ...next.entity, created: entity.created }, "Replace", { etag: entity.etag }],
    ...auditRow(tenantId, audit, user.id),
  ]);
  return undefined;
}

/**
 * The audit row every SCIM write adds to its transaction (the audit trail), from a record of the same shape
 * made once: the raw side pays the row's storage, not the diff that fills it.
 */
function auditRow(tenantId: string, template: AuditRecord, resourceId: string): TransactionAction[] {
  return auditAction(tenantId, { ...template, resourceId, time: new Date().toISOString() });
}

/** Audit records shaped like those the SCIM side writes for each operation. */
function auditTemplates(run: string) {
  const user = createUserBody(generateUser(`${run}a`, 0)) as ResourceDoc;
  const changed = { ...user, title: "Title", active: false, name: { familyName: "Family" } };
  return {
    create: auditOfChange("User", "", undefined, user, ""),
    update: auditOfChange("User", "", user, changed, ""),
    delete: auditOfChange("User", "", user, undefined, ""),
    memberAdded: auditRecord(
      "membersAdded",
      "Group",
      "",
      [{ attribute: "members", after: [randomUUID()] }],
      "",
    ),
  };
}

/** The eight operations Entra's cycles are made of, each as SCIM over HTTP and as raw storage calls. */
export function benchOperations(fixtures: OperationFixtures): BenchOperation[] {
  const { tenant, client, users, groups, created, run } = fixtures;
  const tenantId = tenant.tenantId;
  const http = tenant.http;
  let createSeq = 0;
  // Every PATCH sets values no earlier request set (indexes repeat across slices and concurrency
  // levels), so each one writes, as the raw side always does.
  let patchSeq = 0;
  const audits = auditTemplates(run);
  return [
    {
      name: "create user",
      rawDoes: "1 transaction (user row + index rows + audit row)",
      roundTrips: { exact: 1 },
      throughputTarget: 0.8,
      scim: (tag) => async (index) => {
        const body = createUserBody(generateUser(`${run}c`, (createSeq += 1)));
        const result = await http.send("POST", "/Users", { body, headers: headers(tag(index)) });
        const failure = unexpected(result, 201, "POST /Users");
        if (failure === undefined) created.push(String((JSON.parse(result.body) as { id: unknown }).id));
        return failure;
      },
      raw: () => async () => {
        const rows = userRows(tenantId, `${run}r`, (createSeq += 1));
        await client.submitTransaction([
          ...createActions(rows),
          ...auditRow(tenantId, audits.create, rows.id),
        ]);
        created.push(rows.id);
        return undefined;
      },
    },
    {
      name: "match userName",
      rawDoes: "getEntity index row + getEntity user row",
      roundTrips: { max: 2 },
      throughputTarget: 0.8,
      scim: (tag) => async (index) => {
        const user = pick(users, index);
        const result = await http.send("GET", `/Users?${filterQuery("userName", user.userName ?? "")}`, {
          headers: headers(tag(index)),
        });
        const failure = unexpected(result, 200, "GET /Users?filter");
        if (failure !== undefined) return failure;
        return result.body.includes(`"totalResults":1`)
          ? undefined
          : `no match: ${result.body.slice(0, 200)}`;
      },
      raw: () => async (index) => {
        const user = pick(users, index);
        const key = indexRowKey(userKind, userNameIndex, (user.userName ?? "").toLowerCase(), user.id);
        const row = await getEntity(client, tenantId, key);
        await getEntity(client, tenantId, resourceRowKey(userKind, String(row.id)));
        return undefined;
      },
    },
    {
      name: "GET user by id",
      rawDoes: "getEntity user row",
      roundTrips: { exact: 1 },
      throughputTarget: 0.8,
      scim: (tag) => async (index) =>
        unexpected(
          await http.send("GET", userPath(pick(users, index).id), { headers: headers(tag(index)) }),
          200,
          "GET /Users/{id}",
        ),
      raw: () => async (index) => {
        await getEntity(client, tenantId, resourceRowKey(userKind, pick(users, index).id));
        return undefined;
      },
    },
    {
      name: "PATCH default dialect",
      rawDoes: "getEntity + 1 transaction (replace, If-Match; audit row)",
      roundTrips: { max: 2 },
      scim: (tag) => async (index) =>
        unexpected(
          await http.send("PATCH", userPath(pick(users, index).id), {
            body: defaultDialectPatch((patchSeq += 1)),
            headers: headers(tag(index)),
          }),
          200,
          "PATCH /Users/{id} (default)",
        ),
      raw: () => (index) =>
        rawRewrite(
          client,
          tenantId,
          pick(users, index),
          (doc) => ({ ...doc, title: `Title ${index}` }),
          audits.update,
        ),
    },
    {
      name: "PATCH aadOptscim062020",
      rawDoes: "getEntity + 1 transaction (replace, If-Match; audit row)",
      roundTrips: { max: 2 },
      scim: (tag) => async (index) =>
        unexpected(
          await http.send("PATCH", userPath(pick(users, index).id), {
            body: aadOptPatch((patchSeq += 1)),
            headers: headers(tag(index)),
          }),
          200,
          "PATCH /Users/{id} (aadOptscim062020)",
        ),
      raw: () => (index) =>
        rawRewrite(
          client,
          tenantId,
          pick(users, index),
          (doc) => ({ ...doc, title: `Principal ${index}` }),
          audits.update,
        ),
    },
    {
      name: "disable user",
      rawDoes: "getEntity + 1 transaction (replace, If-Match; audit row)",
      roundTrips: { max: 2 },
      scim: (tag) => async (index) =>
        unexpected(
          await http.send("PATCH", userPath(pick(users, index).id), {
            body: disableBody((patchSeq += 1)),
            headers: headers(tag(index)),
          }),
          200,
          "PATCH /Users/{id} active False",
        ),
      raw: () => (index) =>
        rawRewrite(
          client,
          tenantId,
          pick(users, index),
          (doc) => ({ ...doc, active: false, title: `Disabled ${index}` }),
          audits.update,
        ),
    },
    {
      name: "add one member",
      rawDoes: "1 transaction (merge group, merge user, 2 upserts, audit row)",
      roundTrips: { max: 2 },
      scim: (tag) => async (index) =>
        unexpected(
          await http.send("PATCH", `/Groups/${encodeURIComponent(pick(groups, index).id)}`, {
            body: patchBody([{ op: "Add", path: "members", value: [{ value: pick(users, index).id }] }]),
            headers: headers(tag(index)),
          }),
          204,
          "PATCH /Groups/{id} add member",
        ),
      raw: () => async (index) => {
        const groupId = pick(groups, index).id;
        await client.submitTransaction([
          ...addMemberActions(tenantId, groupId, pick(users, index).id, index),
          ...auditRow(tenantId, audits.memberAdded, groupId),
        ]);
        return undefined;
      },
    },
    {
      name: "DELETE user",
      rawDoes: "getEntity + 1 transaction (tombstone, If-Match; delete index rows; audit row) + deleteEntity",
      scim: (tag) => async (index) => {
        const id = created.pop();
        if (id === undefined) return EXHAUSTED;
        return unexpected(
          await http.send("DELETE", userPath(id), { headers: headers(tag(index)) }),
          204,
          "DELETE /Users/{id}",
        );
      },
      raw: () => async () => {
        const id = created.pop();
        if (id === undefined) return EXHAUSTED;
        const rowKey = resourceRowKey(userKind, id);
        const entity = await getEntity(client, tenantId, rowKey);
        const tombstone = { partitionKey: tenantId, rowKey, [TOMBSTONE_PROPERTY]: true };
        await client.submitTransaction([
          ["update", tombstone, "Replace", { etag: entity.etag }],
          ...indexRowKeys(userKind, parseDoc(entity), id).map((indexKey): TransactionAction => [
            "delete",
            { partitionKey: tenantId, rowKey: indexKey },
          ]),
          ...auditRow(tenantId, audits.delete, id),
        ]);
        await client.deleteEntity(tenantId, rowKey);
        return undefined;
      },
    },
  ];
}

/** The transaction TableMembershipStore submits to add one member (same rows, same actions). */
function addMemberActions(
  tenantId: string,
  groupId: string,
  userId: string,
  index: number,
): TransactionAction[] {
  const now = new Date(Date.UTC(2024, 0, 1) + index).toISOString();
  return [
    [
      "update",
      { partitionKey: tenantId, rowKey: resourceRowKey(groupKind, groupId), lastModified: now },
      "Merge",
    ],
    ["update", { partitionKey: tenantId, rowKey: resourceRowKey(userKind, userId) }, "Merge"],
    [
      "upsert",
      {
        partitionKey: tenantId,
        rowKey: memberRowKey(groupId, userId),
        value: userId,
        type: "User",
      },
      "Replace",
    ],
    ["upsert", { partitionKey: tenantId, rowKey: reverseRowKey(userId, groupId), groupId }, "Replace"],
  ];
}
