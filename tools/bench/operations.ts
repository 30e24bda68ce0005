import { randomUUID } from "node:crypto";
import { odata, type TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { ResourceDoc } from "../../src/scim/resource/types";
import {
  auditAction,
  groupKind,
  guardedDeleteAction,
  indexRowKey,
  indexRowKeys,
  memberRowKey,
  newGenerationAction,
  parseDoc,
  prefixRange,
  resourceRowKey,
  resourceRowPrefix,
  reverseRowKey,
  userKind,
  userNameIndex,
} from "../../src/store";
import type { GroupService } from "../../src/service/groupService";
import type { TenantScope } from "../../src/service/resourceService";
import type { UserService } from "../../src/service/userService";
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

/**
 * What the index-th operation works on, drawn once and handed to whichever layer runs it (over the
 * bare HTTP server it is the request body, so that hop carries what the SCIM request carries).
 */
export interface BenchInput {
  readonly index: number;
  /** The resource it reads or changes ("" for a create). */
  readonly id: string;
  /** The SCIM request body, when it has one. */
  readonly body?: unknown;
  /** Operation-specific: the userName matched, the page cursor. */
  readonly value?: string;
}

export interface ScimRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** One SCIM operation and the storage work it needs, runnable at every layer of the stack. */
export interface BenchOperation {
  readonly name: string;
  /** What the raw side does, for the report. */
  readonly rawDoes: string;
  readonly roundTrips?: RoundTripTarget;
  /** Share of the requests per measurement this operation runs (a slow one keeps the run short). */
  readonly requestShare?: number;
  /** A throughput target against raw over HTTP stricter or looser than the general one. */
  readonly overHttpTarget?: number;
  /** Run once before the operation is measured (a list page needs its position). */
  prepare?(): Promise<void>;
  /** Undefined when a pool ran out (DELETE ran out of created users). */
  input(index: number): BenchInput | undefined;
  request(input: BenchInput): ScimRequest;
  /** Checks the SCIM answer beyond its status, and keeps what later operations need (a created id). */
  accept?(body: string): string | undefined;
  /** The Table calls the operation needs, resolving to what storage returned. */
  rawWork(input: BenchInput): Promise<unknown>;
  /** The service call the handler makes (validation, audit, rendering), without HTTP. */
  serviceWork(input: BenchInput): Promise<unknown>;
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
  /** The services the host runs, for the service layer (absent: that layer is not measured). */
  readonly services?: { readonly users: UserService; readonly groups: GroupService };
  readonly scope?: TenantScope;
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
 * PATCH and PUT cost in storage).
 */
async function rawRewrite(
  client: TableClient,
  tenantId: string,
  id: string,
  change: (doc: ResourceDoc) => ResourceDoc,
  audit: AuditRecord,
): Promise<unknown> {
  const entity = await getEntity(client, tenantId, resourceRowKey(userKind, id));
  const next = resourceRows(userKind, tenantId, id, change(parseDoc(entity)));
  const response = await client.submitTransaction([
    ["update", { ...next.entity, created: entity.created }, "Replace", { etag: entity.etag }],
    ...auditRow(tenantId, audit, id),
  ]);
  return { ...next.entity, etag: response.subResponses[0]?.etag };
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

/** Users a list page holds: page 2 of a cursor walk (the total rides in the cursor, as after page 1). */
const LIST_PAGE_SIZE = 50;

type OperationSpec = Omit<BenchOperation, "scim" | "raw">;

/** Adds the SCIM and raw load operations to a spec: both draw their input the same way. */
function runnable(spec: OperationSpec, http: BenchTenant["http"]): BenchOperation {
  return {
    ...spec,
    scim: (tag) => async (index) => {
      const input = spec.input(index);
      if (input === undefined) return EXHAUSTED;
      const request = spec.request(input);
      const result = await http.send(request.method, request.path, {
        ...(input.body === undefined ? {} : { body: input.body }),
        headers: { "X-Correlation-Id": tag(index) },
      });
      const failure = unexpected(result, request.status, `${request.method} ${spec.name}`);
      return failure ?? spec.accept?.(result.body);
    },
    raw: () => async (index) => {
      const input = spec.input(index);
      if (input === undefined) return EXHAUSTED;
      await spec.rawWork(input);
      return undefined;
    },
  };
}

/** The operations Entra's cycles (and a list page) are made of, each at every layer of the stack. */
export function benchOperations(fixtures: OperationFixtures): BenchOperation[] {
  const { tenant, client, users, groups, created, run } = fixtures;
  const tenantId = tenant.tenantId;
  let createSeq = 0;
  // Every PATCH and PUT sets values no earlier request set (indexes repeat across slices and
  // concurrency levels), so each one writes, as the raw side always does.
  let writeSeq = 0;
  const audits = auditTemplates(run);
  const service = () => {
    if (!fixtures.services || !fixtures.scope) throw new Error("no services to measure the service layer");
    return { ...fixtures.services, scope: fixtures.scope };
  };
  const onUser = (index: number, body?: unknown): BenchInput => ({
    index,
    id: pick(users, index).id,
    ...(body === undefined ? {} : { body }),
  });
  const patchUser = (
    name: string,
    body: (seq: number) => Record<string, unknown>,
    change: (doc: ResourceDoc, seq: number) => ResourceDoc,
  ): OperationSpec => ({
    name,
    rawDoes: "getEntity + 1 transaction (replace, If-Match; audit row)",
    roundTrips: { max: 2 },
    input: (index) => {
      writeSeq += 1;
      return { ...onUser(index, body(writeSeq)), value: String(writeSeq) };
    },
    request: (input) => ({ method: "PATCH", path: userPath(input.id), status: 200 }),
    rawWork: (input) =>
      rawRewrite(client, tenantId, input.id, (doc) => change(doc, Number(input.value)), audits.update),
    serviceWork: (input) => service().users.patch(service().scope, input.id, input.body),
  });
  // The list page's position: the SCIM cursor after page 1, and the storage continuation token after the
  // same rows for the raw side (fetched on first use).
  let listFrom: { cursor: string; token: string } | undefined;
  const userRange = () => {
    const { from, to } = prefixRange(resourceRowPrefix(userKind));
    return odata`PartitionKey eq ${tenantId} and RowKey ge ${from} and RowKey lt ${to}`;
  };
  const specs: OperationSpec[] = [
    {
      name: "create user",
      rawDoes: "1 transaction (user row + index rows + audit row)",
      roundTrips: { exact: 1 },
      input: (index) => {
        createSeq += 1;
        return {
          index,
          id: "",
          body: createUserBody(generateUser(`${run}c`, createSeq)),
          value: String(createSeq),
        };
      },
      request: () => ({ method: "POST", path: "/Users", status: 201 }),
      accept: (body) => {
        created.push(String((JSON.parse(body) as { id: unknown }).id));
        return undefined;
      },
      rawWork: async (input) => {
        const rows = userRows(tenantId, `${run}r`, Number(input.value));
        const response = await client.submitTransaction([
          ...createActions(rows),
          ...auditRow(tenantId, audits.create, rows.id),
        ]);
        created.push(rows.id);
        return { ...rows.entity, etag: response.subResponses[0]?.etag };
      },
      serviceWork: async (input) => {
        const result = await service().users.create(service().scope, input.body);
        created.push(String(result.resource.id));
        return result.resource;
      },
    },
    {
      name: "match userName",
      rawDoes: "getEntity index row + getEntity user row",
      roundTrips: { max: 2 },
      input: (index) => ({ ...onUser(index), value: pick(users, index).userName ?? "" }),
      request: (input) => ({
        method: "GET",
        path: `/Users?${filterQuery("userName", input.value ?? "")}`,
        status: 200,
      }),
      accept: (body) => (body.includes(`"totalResults":1`) ? undefined : `no match: ${body.slice(0, 200)}`),
      rawWork: async (input) => {
        const key = indexRowKey(userKind, userNameIndex, (input.value ?? "").toLowerCase(), input.id);
        const row = await getEntity(client, tenantId, key);
        return getEntity(client, tenantId, resourceRowKey(userKind, String(row.id)));
      },
      serviceWork: (input) =>
        service().users.query(service().scope, { filter: `userName eq "${input.value ?? ""}"` }),
    },
    {
      name: "GET user by id",
      rawDoes: "getEntity user row",
      roundTrips: { exact: 1 },
      input: (index) => onUser(index),
      request: (input) => ({ method: "GET", path: userPath(input.id), status: 200 }),
      rawWork: (input) => getEntity(client, tenantId, resourceRowKey(userKind, input.id)),
      serviceWork: async (input) => (await service().users.get(service().scope, input.id)).resource,
    },
    {
      name: "list page",
      rawDoes: `1 query: the next ${LIST_PAGE_SIZE} user rows from a continuation token`,
      roundTrips: { exact: 1 },
      // Azurite walks its whole table for a continuation page (≈ 50 ms each here): a quarter of the requests.
      requestShare: 0.25,
      prepare: async () => {
        const first = await tenant.http.send("GET", `/Users?count=${LIST_PAGE_SIZE}&cursor=`);
        const cursor = (JSON.parse(first.body) as { nextCursor?: string }).nextCursor;
        const page = await client
          .listEntities({ queryOptions: { filter: userRange() } })
          .byPage({ maxPageSize: LIST_PAGE_SIZE })
          .next();
        const token = (page.value as { continuationToken?: string } | undefined)?.continuationToken;
        if (cursor === undefined || token === undefined)
          throw new Error("list page: fewer users than two pages");
        listFrom = { cursor, token };
      },
      input: (index) => ({ index, id: "", value: listFrom?.cursor ?? "" }),
      request: (input) => ({
        method: "GET",
        path: `/Users?count=${LIST_PAGE_SIZE}&cursor=${encodeURIComponent(input.value ?? "")}`,
        status: 200,
      }),
      rawWork: async () => {
        const page = await client
          .listEntities({ queryOptions: { filter: userRange() } })
          .byPage({ maxPageSize: LIST_PAGE_SIZE, continuationToken: listFrom?.token ?? "" })
          .next();
        return page.value as unknown;
      },
      serviceWork: (input) =>
        service().users.query(service().scope, { count: LIST_PAGE_SIZE, cursor: input.value ?? "" }),
    },
    {
      name: "PUT user",
      rawDoes: "getEntity + 1 transaction (replace, If-Match; audit row)",
      roundTrips: { max: 2 },
      input: (index) => {
        writeSeq += 1;
        const user = pick(users, index);
        return {
          index,
          id: user.id,
          body: { ...user.doc, title: `Put ${writeSeq}` },
          value: String(writeSeq),
        };
      },
      request: (input) => ({ method: "PUT", path: userPath(input.id), status: 200 }),
      rawWork: (input) =>
        rawRewrite(
          client,
          tenantId,
          input.id,
          (doc) => ({ ...doc, title: `Put ${input.value}` }),
          audits.update,
        ),
      serviceWork: (input) => service().users.replace(service().scope, input.id, input.body),
    },
    patchUser("PATCH default dialect", defaultDialectPatch, (doc, seq) => ({
      ...doc,
      title: `Title ${seq}`,
    })),
    patchUser("PATCH aadOptscim062020", aadOptPatch, (doc, seq) => ({ ...doc, title: `Principal ${seq}` })),
    patchUser("disable user", disableBody, (doc, seq) => ({
      ...doc,
      active: false,
      title: `Disabled ${seq}`,
    })),
    {
      name: "add one member",
      rawDoes: "1 transaction (merge group, merge user, 2 upserts, audit row)",
      roundTrips: { max: 2 },
      input: (index) => ({
        index,
        id: pick(groups, index).id,
        body: patchBody([{ op: "Add", path: "members", value: [{ value: pick(users, index).id }] }]),
        value: pick(users, index).id,
      }),
      request: (input) => ({ method: "PATCH", path: `/Groups/${encodeURIComponent(input.id)}`, status: 204 }),
      rawWork: async (input) =>
        (
          await client.submitTransaction([
            ...addMemberActions(tenantId, input.id, input.value ?? "", input.index),
            ...auditRow(tenantId, audits.memberAdded, input.id),
          ])
        ).subResponses,
      serviceWork: async (input) => {
        await service().groups.patch(service().scope, input.id, input.body);
        return null;
      },
    },
    {
      name: "DELETE user",
      rawDoes: "getEntity + 1 transaction (row deleted If-Match; index rows deleted; audit row)",
      roundTrips: { max: 2 },
      overHttpTarget: 0.8,
      input: (index) => {
        const id = created.pop();
        return id === undefined ? undefined : { index, id };
      },
      request: (input) => ({ method: "DELETE", path: userPath(input.id), status: 204 }),
      rawWork: async (input) => {
        const rowKey = resourceRowKey(userKind, input.id);
        const entity = await getEntity(client, tenantId, rowKey);
        await client.submitTransaction([
          guardedDeleteAction(tenantId, rowKey, entity.etag),
          ...indexRowKeys(userKind, parseDoc(entity), input.id).map((indexKey): TransactionAction => [
            "delete",
            { partitionKey: tenantId, rowKey: indexKey },
          ]),
          ...auditRow(tenantId, audits.delete, input.id),
          newGenerationAction(tenantId, userKind),
        ]);
        return null;
      },
      serviceWork: async (input) => {
        await service().users.delete(service().scope, input.id);
        return null;
      },
    },
  ];
  return specs.map((spec) => runnable(spec, tenant.http));
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
