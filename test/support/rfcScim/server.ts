import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FilterError, getKey, matches, parseFilter, splitUrn, type Filter } from "./filter";
import { definitionOf, ENTERPRISE, GROUP, SCHEMA_DOCUMENTS, USER, type Attribute } from "./schemas";

/**
 * A SCIM 2.0 service provider written from RFC 7643/7644 alone, with no Entra-specific handling:
 * what a competent developer who follows only the RFCs builds. The replay's tests run against it
 * to show what the replay finds on such a server. Choices the RFCs leave open are made the common
 * way and noted where they matter:
 * - uniqueness of userName is checked on the stored value (as a unique index on the column would);
 *   filters compare userName case-insensitively (caseExact false);
 * - a PATCH path must name an attribute of the schema; a value filter that selects nothing is
 *   400 noTarget (§3.5.2); `add` appends to a multi-valued attribute as §3.5.2.1's first rule
 *   says (its later SHOULD about values already present is left out, as in many RFC libraries);
 *   `remove` of a multi-valued attribute without a filter removes all its values (§3.5.2.2);
 * - a filter on a name that is not a core attribute (`manager`, which lives in the enterprise
 *   extension) matches nothing;
 * - attributes the schema does not define are kept as sent; defined ones are type-checked;
 * - deleting a resource deletes that resource only.
 */

type Json = Record<string, unknown>;
type Kind = "User" | "Group";

class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    detail: string,
  ) {
    super(detail);
  }
}

const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CASE_EXACT = new Set(["id", "externalid"]);

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeMatches(attribute: Attribute, value: unknown): boolean {
  switch (attribute.type) {
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "complex":
      return isJson(value);
    default:
      return typeof value === "string";
  }
}

/** Type-checks defined attributes (§2.3); undefined ones are kept as sent. Nulls are unassigned. */
function validate(kind: Kind, resource: Json, urn?: string): void {
  for (const [key, value] of Object.entries(resource)) {
    if (value === null) {
      delete resource[key];
      continue;
    }
    if (urn === undefined && key.toLowerCase() === ENTERPRISE.toLowerCase() && kind === "User") {
      if (!isJson(value)) throw new ScimError(400, "invalidValue", `${key} must be an object`);
      validate(kind, value, ENTERPRISE);
      continue;
    }
    const attribute = definitionOf(kind, urn, key);
    if (attribute === undefined) continue;
    const values = attribute.multiValued ? value : [value];
    if (!Array.isArray(values)) throw new ScimError(400, "invalidValue", `${key} must be an array`);
    for (const element of values) {
      if (!typeMatches(attribute, element))
        throw new ScimError(400, "invalidValue", `${key} must be of type ${attribute.type}`);
      if (attribute.type !== "complex" || !isJson(element)) continue;
      for (const sub of attribute.subAttributes ?? []) {
        const subValue = getKey(element, sub.name);
        if (subValue !== undefined && subValue !== null && !typeMatches(sub, subValue))
          throw new ScimError(400, "invalidValue", `${key}.${sub.name} must be of type ${sub.type}`);
      }
    }
  }
}

function keyOf(object: Json, name: string): string {
  return Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
}

interface ParsedPath {
  readonly urn: string | undefined;
  readonly attribute: string;
  readonly filter: Filter | undefined;
  readonly sub: string | undefined;
}

function parsePath(kind: Kind, path: string): ParsedPath {
  const bracket = path.indexOf("[");
  const head = bracket < 0 ? path : path.slice(0, bracket);
  const [urn, rest] = splitUrn(head);
  const [attribute = "", subAttribute] = rest.split(".");
  let sub = subAttribute;
  let filter: Filter | undefined;
  if (bracket >= 0) {
    const close = path.lastIndexOf("]");
    if (close < bracket) throw new ScimError(400, "invalidPath", `bad path ${path}`);
    try {
      filter = parseFilter(path.slice(bracket + 1, close));
    } catch (error) {
      throw new ScimError(400, "invalidPath", error instanceof Error ? error.message : String(error));
    }
    const after = path.slice(close + 1);
    if (after !== "" && !after.startsWith(".")) throw new ScimError(400, "invalidPath", `bad path ${path}`);
    sub = after === "" ? undefined : after.slice(1);
  }
  if (definitionOf(kind, urn, sub === undefined ? attribute : `${attribute}.${sub}`) === undefined)
    throw new ScimError(400, "invalidPath", `no attribute ${path}`);
  return { urn, attribute, filter, sub };
}

function caseExact(path: string): boolean {
  return CASE_EXACT.has(path.toLowerCase());
}

/** RFC 7644 §3.5.2: one PATCH operation applied to a copy of the resource. */
function applyOperation(kind: Kind, resource: Json, operation: unknown): void {
  if (!isJson(operation)) throw new ScimError(400, "invalidSyntax", "an operation must be an object");
  const op = typeof operation.op === "string" ? operation.op.toLowerCase() : "";
  const { value } = operation;
  if (!["add", "replace", "remove"].includes(op))
    throw new ScimError(400, "invalidSyntax", `unknown op ${JSON.stringify(operation.op)}`);
  if (typeof operation.path !== "string" || operation.path === "") {
    if (op === "remove") throw new ScimError(400, "noTarget", "remove needs a path");
    if (!isJson(value))
      throw new ScimError(400, "invalidValue", "a PATCH without path needs an object value");
    for (const [key, entry] of Object.entries(value)) {
      const current = resource[keyOf(resource, key)];
      if (isJson(current) && isJson(entry)) Object.assign(current, entry);
      else if (op === "add" && Array.isArray(current) && Array.isArray(entry))
        current.push(...(entry as unknown[]));
      else resource[keyOf(resource, key)] = entry;
    }
    return;
  }
  const path = parsePath(kind, operation.path);
  let container: Json = resource;
  if (path.urn !== undefined) {
    const urnKey = keyOf(resource, path.urn);
    if (!isJson(resource[urnKey])) {
      if (op === "remove") return;
      resource[urnKey] = {};
    }
    container = resource[urnKey] as Json;
  }
  const key = keyOf(container, path.attribute);
  const definition = definitionOf(kind, path.urn, path.attribute);
  if (path.filter !== undefined) {
    const elements = container[key];
    const filter = path.filter;
    const selected = Array.isArray(elements) ? elements.filter((e) => matches(e, filter, caseExact)) : [];
    if (selected.length === 0) throw new ScimError(400, "noTarget", `no value matches ${operation.path}`);
    if (op === "remove") {
      if (path.sub === undefined)
        container[key] = (elements as unknown[]).filter((e) => !selected.includes(e));
      else for (const element of selected) delete (element as Json)[keyOf(element as Json, path.sub)];
      return;
    }
    for (const element of selected as Json[]) {
      if (path.sub !== undefined) element[keyOf(element, path.sub)] = value;
      else if (isJson(value)) Object.assign(element, value);
    }
    return;
  }
  if (path.sub !== undefined) {
    if (op === "remove") {
      const parent = container[key];
      if (isJson(parent)) delete parent[keyOf(parent, path.sub)];
      return;
    }
    if (!isJson(container[key])) container[key] = {};
    const parent = container[key] as Json;
    parent[keyOf(parent, path.sub)] = value;
    return;
  }
  if (op === "remove") {
    delete container[key];
    return;
  }
  if (op === "add" && definition?.multiValued) {
    const current = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
    container[key] = [...current, ...(Array.isArray(value) ? value : [value])];
    return;
  }
  const current = container[key];
  if (op === "add" && isJson(current) && isJson(value)) Object.assign(current, value);
  else container[key] = value;
}

function project(resource: Json, query: URLSearchParams): Json {
  const attributes = query.get("attributes");
  const excluded = query.get("excludedAttributes");
  if (attributes !== null) {
    const wanted = new Set(["id", "schemas", ...attributes.split(",").map((a) => a.trim().toLowerCase())]);
    return Object.fromEntries(Object.entries(resource).filter(([key]) => wanted.has(key.toLowerCase())));
  }
  if (excluded !== null) {
    const unwanted = new Set(excluded.split(",").map((a) => a.trim().toLowerCase()));
    return Object.fromEntries(Object.entries(resource).filter(([key]) => !unwanted.has(key.toLowerCase())));
  }
  return resource;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScimError(400, "invalidSyntax", "the body is not JSON");
  }
}

export interface RfcScimServer {
  readonly tenantUrl: string;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startRfcScimServer(token: string): Promise<RfcScimServer> {
  const stores: Record<Kind, Map<string, Json>> = { User: new Map(), Group: new Map() };
  let origin = "";
  let requests = 0;
  const base = "/scim/v2";

  const stamp = (kind: Kind, resource: Json, id: string, created?: unknown): Json => {
    const now = new Date().toISOString();
    const createdAt = typeof created === "string" ? created : now;
    return {
      ...resource,
      id,
      meta: {
        resourceType: kind,
        created: createdAt,
        lastModified: now,
        location: `${origin}${base}/${kind}s/${id}`,
        version: `W/"${randomUUID()}"`,
      },
    };
  };

  const checkUnique = (kind: Kind, resource: Json, id: string): void => {
    if (kind !== "User") return;
    const userName = getKey(resource, "userName");
    if (typeof userName !== "string" || userName === "")
      throw new ScimError(400, "invalidValue", "userName is required");
    for (const [otherId, other] of stores.User)
      if (otherId !== id && getKey(other, "userName") === userName)
        throw new ScimError(409, "uniqueness", `userName ${userName} is taken`);
  };

  const accept = (kind: Kind, body: unknown, id: string): Json => {
    if (!isJson(body)) throw new ScimError(400, "invalidSyntax", "the body must be an object");
    const schemas = body.schemas;
    const core = kind === "User" ? USER : GROUP;
    if (!Array.isArray(schemas) || !schemas.includes(core))
      throw new ScimError(400, "invalidValue", `schemas must include ${core}`);
    const resource: Json = { ...body };
    delete resource.id;
    delete resource.meta;
    validate(kind, resource);
    if (kind === "Group" && typeof getKey(resource, "displayName") !== "string")
      throw new ScimError(400, "invalidValue", "displayName is required");
    checkUnique(kind, resource, id);
    return resource;
  };

  const handle = async (
    method: string,
    url: URL,
    body: () => Promise<unknown>,
  ): Promise<[number, unknown, Record<string, string>?]> => {
    const path = url.pathname.slice(base.length);
    if (method === "GET" && path === "/Schemas")
      return [
        200,
        {
          schemas: [LIST],
          totalResults: SCHEMA_DOCUMENTS.length,
          startIndex: 1,
          itemsPerPage: SCHEMA_DOCUMENTS.length,
          Resources: SCHEMA_DOCUMENTS,
        },
      ];
    if (method === "GET" && path === "/ServiceProviderConfig")
      return [
        200,
        {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
          patch: { supported: true },
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: 200 },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: false },
          authenticationSchemes: [
            { type: "oauthbearertoken", name: "OAuth Bearer Token", description: "Bearer token" },
          ],
        },
      ];
    const match = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(path);
    if (match === null) throw new ScimError(404, undefined, `no resource at ${path}`);
    const kind: Kind = match[1] === "Users" ? "User" : "Group";
    const store = stores[kind];
    const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (id === undefined) {
      if (method === "POST") {
        const newId = randomUUID();
        const resource = stamp(kind, accept(kind, await body(), newId), newId);
        store.set(newId, resource);
        return [201, resource, { Location: String((resource.meta as Json).location) }];
      }
      if (method !== "GET") throw new ScimError(405, undefined, `${method} not allowed`);
      let filter: Filter | undefined;
      const text = url.searchParams.get("filter");
      try {
        filter = text === null ? undefined : parseFilter(text);
      } catch (error) {
        if (error instanceof FilterError) throw new ScimError(400, "invalidFilter", error.message);
        throw error;
      }
      const all = [...store.values()].filter(
        (resource) => filter === undefined || matches(resource, filter, caseExact),
      );
      const startIndex = Math.max(1, Number(url.searchParams.get("startIndex") ?? 1) || 1);
      const count = Math.max(0, Number(url.searchParams.get("count") ?? 100) || 0);
      const page = all
        .slice(startIndex - 1, startIndex - 1 + count)
        .map((resource) => project(resource, url.searchParams));
      return [
        200,
        { schemas: [LIST], totalResults: all.length, startIndex, itemsPerPage: page.length, Resources: page },
      ];
    }
    const existing = store.get(id);
    if (existing === undefined) throw new ScimError(404, undefined, `${kind} ${id} not found`);
    switch (method) {
      case "GET":
        return [200, project(existing, url.searchParams)];
      case "DELETE":
        store.delete(id);
        return [204, undefined];
      case "PUT": {
        const resource = stamp(kind, accept(kind, await body(), id), id, (existing.meta as Json).created);
        store.set(id, resource);
        return [200, resource];
      }
      case "PATCH": {
        const request = await body();
        if (
          !isJson(request) ||
          !Array.isArray(request.schemas) ||
          !request.schemas.includes(PATCH_OP) ||
          !Array.isArray(request.Operations)
        )
          throw new ScimError(400, "invalidSyntax", "not a PatchOp message");
        const copy = structuredClone(existing);
        for (const operation of request.Operations) applyOperation(kind, copy, operation);
        const resource = stamp(kind, accept(kind, copy, id), id, (existing.meta as Json).created);
        store.set(id, resource);
        return [200, resource];
      }
      default:
        throw new ScimError(405, undefined, `${method} not allowed`);
    }
  };

  const respond = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.statusCode = status;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    if (body === undefined) {
      response.end();
      return;
    }
    response.setHeader("Content-Type", "application/scim+json");
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    requests += 1;
    void (async () => {
      try {
        const url = new URL(request.url ?? "/", origin);
        if (!url.pathname.startsWith(base)) throw new ScimError(404, undefined, "not found");
        if (request.headers.authorization !== `Bearer ${token}`)
          throw new ScimError(401, undefined, "bad token");
        const [status, body, headers] = await handle(request.method ?? "GET", url, () => readBody(request));
        respond(response, status, body, headers);
      } catch (error) {
        const failure = error instanceof ScimError ? error : new ScimError(500, undefined, "internal error");
        respond(response, failure.status, {
          schemas: [ERROR],
          status: String(failure.status),
          ...(failure.scimType === undefined ? {} : { scimType: failure.scimType }),
          detail: failure.message,
        });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    tenantUrl: `${origin}${base}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          done();
        });
        server.closeAllConnections();
      }),
  };
}
