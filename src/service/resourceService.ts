import { randomUUID } from "node:crypto";
import { notFound, ScimError } from "../scim/errors";
import { matchesFilter, validateFilterPaths } from "../scim/filter/evaluate";
import { parseFilter } from "../scim/filter/parser";
import { listResponse, type ListResponse } from "../scim/listResponse";
import { applyPatch } from "../scim/patch/apply";
import { parsePatchRequest, type PatchOperation } from "../scim/patch/request";
import { project, type Projection } from "../scim/projection";
import { renderResource, type ScimResource } from "../scim/render";
import { canonicaliseResource } from "../scim/resource/canonicalise";
import type { ResourceDoc } from "../scim/resource/types";
import { validateResource } from "../scim/resource/validate";
import type { ResourceType } from "../scim/schema/resourceType";
import { planQuery, type QueryPlan } from "./queryPlanner";
import { ConcurrentModificationError, type ResourceRepository, type StoredResource } from "./repository";

/** Where the tenant's SCIM endpoint lives, for `meta.location` and `Location`. */
export interface TenantScope {
  readonly tenantId: string;
  readonly baseUrl: string;
}

export interface QueryOptions extends Projection {
  readonly filter?: string;
  readonly startIndex?: number;
  readonly count?: number;
}

export interface WriteResult {
  readonly resource: ScimResource;
  readonly location: string;
  readonly version: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Retries of a write whose read went stale before it (no If-Match from the client). */
const MAX_CONCURRENCY_RETRIES = 12;

/** A short random pause, growing with the attempt, so racing writers stop colliding in step. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
}

function concurrencyError(ifMatch: string | undefined): ScimError {
  // With If-Match the client asked for 412; without it, contention is transient: retry later.
  return ifMatch === undefined
    ? new ScimError(503, "The resource is being changed by other requests; retry later.")
    : new ScimError(412, "The resource was modified concurrently; read it again.");
}

/** The SCIM operations on one resource type, storage-agnostic. */
/** Adds what is not stored in the resource document (a group's members, a user's groups). */
export type Enrich = (resource: ScimResource, id: string) => Promise<ScimResource>;

/** The SCIM operations on one resource type, storage-agnostic. */
export class ResourceService {
  constructor(
    readonly type: ResourceType,
    private readonly repository: ResourceRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(scope: TenantScope, body: unknown): Promise<WriteResult> {
    return this.createDoc(scope, canonicaliseResource(this.type, body));
  }

  async createDoc(scope: TenantScope, doc: ResourceDoc): Promise<WriteResult> {
    validateResource(this.type, doc);
    const stored = await this.repository.create(scope.tenantId, randomUUID(), doc, this.now());
    return this.written(scope, stored);
  }

  async get(
    scope: TenantScope,
    id: string,
    projection: Projection = {},
    enrich?: Enrich,
  ): Promise<WriteResult> {
    const stored = await this.mustGet(scope, id);
    const result = this.written(scope, stored);
    const resource = enrich ? await enrich(result.resource, id) : result.resource;
    return { ...result, resource: project(this.type, resource, projection) };
  }

  async replace(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
    return this.replaceDoc(scope, id, canonicaliseResource(this.type, body), ifMatch);
  }

  async replaceDoc(scope: TenantScope, id: string, doc: ResourceDoc, ifMatch?: string): Promise<WriteResult> {
    validateResource(this.type, doc);
    return this.modify(scope, id, ifMatch, () => doc);
  }

  async patch(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
    return this.patchOperations(scope, id, parsePatchRequest(body), ifMatch);
  }

  async patchOperations(
    scope: TenantScope,
    id: string,
    operations: readonly PatchOperation[],
    ifMatch?: string,
  ): Promise<WriteResult> {
    return this.modify(scope, id, ifMatch, (current) => {
      const doc = applyPatch(this.type, current, operations);
      validateResource(this.type, doc);
      return doc;
    });
  }

  /** Reads the resource and checks an If-Match against it (for changes that do not go through modify). */
  async checkVersion(scope: TenantScope, id: string, ifMatch: string | undefined): Promise<void> {
    this.checkPrecondition(await this.mustGet(scope, id), ifMatch);
  }

  async delete(scope: TenantScope, id: string, ifMatch?: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const stored = await this.mustGet(scope, id);
      this.checkPrecondition(stored, ifMatch);
      try {
        await this.repository.delete(scope.tenantId, stored);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (attempt >= MAX_CONCURRENCY_RETRIES) throw concurrencyError(ifMatch);
        await backoff(attempt);
      }
    }
  }

  /**
   * Lists or filters resources. `enrich` adds unstored attributes to the resources returned, and
   * to every candidate when `filterNeedsEnrich` (a filter on a group's members).
   */
  async query(
    scope: TenantScope,
    options: QueryOptions,
    enrich?: Enrich,
    filterNeedsEnrich = false,
  ): Promise<ListResponse> {
    const filter = options.filter === undefined ? undefined : parseFilter(options.filter);
    // An unknown attribute must not quietly match nobody: Entra would then create a duplicate.
    if (filter) validateFilterPaths(filter, this.type);
    const startIndex = Math.max(1, options.startIndex ?? 1);
    const count = Math.min(Math.max(0, options.count ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const plan: QueryPlan = filter ? planQuery(this.type, filter) : { kind: "scan" };
    const page: ScimResource[] = [];
    let matched = 0;
    for await (const stored of this.candidates(scope.tenantId, plan)) {
      let resource = this.render(scope, stored);
      const enriched = enrich !== undefined && filterNeedsEnrich;
      if (enriched) resource = await enrich(resource, stored.id);
      if (filter && !matchesFilter(filter, resource, this.type)) continue;
      matched += 1;
      if (matched < startIndex) continue;
      if (page.length < count) {
        if (enrich && !enriched) resource = await enrich(resource, stored.id);
        page.push(project(this.type, resource, options));
      } else if (!filter) {
        // Without a filter the total comes from a key-only count, so the scan can stop here.
        break;
      }
    }
    const total = filter ? matched : await this.repository.count(scope.tenantId);
    return listResponse(page, total, startIndex);
  }

  private async *candidates(
    tenantId: string,
    plan: QueryPlan,
    seen = new Set<string>(),
  ): AsyncIterable<StoredResource> {
    switch (plan.kind) {
      case "scan":
        yield* this.repository.scan(tenantId);
        return;
      case "union":
        for (const part of plan.plans) yield* this.candidates(tenantId, part, seen);
        return;
      default: {
        const ids =
          plan.kind === "ids" ? plan.ids : await this.repository.findIds(tenantId, plan.index, plan.value);
        for (const id of ids) {
          if (seen.has(id)) continue;
          seen.add(id);
          const stored = await this.repository.get(tenantId, id);
          if (stored) yield stored;
        }
      }
    }
  }

  private async modify(
    scope: TenantScope,
    id: string,
    ifMatch: string | undefined,
    change: (current: ResourceDoc) => ResourceDoc,
  ): Promise<WriteResult> {
    for (let attempt = 0; ; attempt += 1) {
      const stored = await this.mustGet(scope, id);
      this.checkPrecondition(stored, ifMatch);
      const doc = change(stored.doc);
      try {
        const updated = await this.repository.update(scope.tenantId, stored, doc, this.now());
        return this.written(scope, updated);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (ifMatch !== undefined || attempt >= MAX_CONCURRENCY_RETRIES) throw concurrencyError(ifMatch);
        await backoff(attempt);
      }
    }
  }

  private checkPrecondition(stored: StoredResource, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === "*") return;
    const wanted = ifMatch.split(",").map((tag) => tag.trim());
    // Weak and strong forms of the same tag both match: clients echo either.
    const current = stored.version.replace(/^W\//, "");
    if (!wanted.some((tag) => tag.replace(/^W\//, "") === current)) {
      throw new ScimError(412, `The resource's version is ${stored.version}, not ${ifMatch}.`);
    }
  }

  private async mustGet(scope: TenantScope, id: string): Promise<StoredResource> {
    const stored = await this.repository.get(scope.tenantId, id);
    if (!stored) throw notFound(`${this.type.name} ${id} not found.`);
    return stored;
  }

  private written(scope: TenantScope, stored: StoredResource): WriteResult {
    return {
      resource: this.render(scope, stored),
      location: this.locationOf(scope, stored.id),
      version: stored.version,
    };
  }

  private render(scope: TenantScope, stored: StoredResource): ScimResource {
    return renderResource(this.type, stored, this.locationOf(scope, stored.id));
  }

  private locationOf(scope: TenantScope, id: string): string {
    return `${scope.baseUrl}${this.type.endpoint}/${encodeURIComponent(id)}`;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
