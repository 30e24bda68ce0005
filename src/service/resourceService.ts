import { randomUUID } from "node:crypto";
import { notFound, ScimError } from "../scim/errors";
import { etagMatches } from "../scim/etag";
import type { ListResponse } from "../scim/listResponse";
import { applyPatch } from "../scim/patch/apply";
import { parsePatchRequest, type PatchOperation } from "../scim/patch/request";
import { ALL_ATTRIBUTES, project, type AttributeSelection } from "../scim/projection";
import { renderResource, type ScimResource } from "../scim/render";
import { canonicaliseResource } from "../scim/resource/canonicalise";
import { docJson } from "../scim/resource/docJson";
import type { ResourceDoc } from "../scim/resource/types";
import { validateResource } from "../scim/resource/validate";
import { maskWriteOnly, withoutWriteOnly } from "../scim/resource/writeOnly";
import type { ResourceType } from "../scim/schema/resourceType";
import type { TenantTypes } from "../scim/schema/tenantSchema";
import { auditOfChange } from "./audit";
import { ConcurrentModificationError, type ResourceRepository, type StoredResource } from "./repository";
import type { PageBookmarks } from "./pageBookmarks";
import { runQuery, type Enrich, type QueryOptions } from "./resourceQuery";

export type { Enrich, QueryOptions } from "./resourceQuery";

/** Where the tenant's SCIM endpoint lives, for `meta.location` and `Location`. */
export interface TenantScope {
  readonly tenantId: string;
  readonly baseUrl: string;
  /** The tenant's resource types (its declared extensions), resolved once per request; built-in if absent. */
  readonly types?: TenantTypes;
}

/** An attribute too large to hold in memory (a big group's members), sent a page at a time. */
interface StreamedAttribute {
  readonly attribute: string;
  readonly pages: AsyncIterable<readonly unknown[]>;
}

/** A resource as the service answers a read or a write: the document, where it lives, its version. */
export interface ResourceResult {
  readonly resource: ScimResource;
  readonly location: string;
  readonly version: string;
  /** Appended to `resource` when the response is written. */
  readonly streamed?: StreamedAttribute;
}

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

/** The SCIM operations on one resource type, storage-agnostic. */
export class ResourceService {
  constructor(
    readonly type: ResourceType,
    private readonly repository: ResourceRepository,
    private readonly clock: () => Date = () => new Date(),
    /** Where startIndex pages resume; shared by every instance. */
    private readonly bookmarks?: PageBookmarks,
  ) {}

  /** This resource type as the scope's tenant declared it (its extension attributes). */
  typeFor(scope: TenantScope): ResourceType {
    return scope.types?.[this.type.name] ?? this.type;
  }

  async create(scope: TenantScope, body: unknown): Promise<ResourceResult> {
    return this.createDoc(scope, canonicaliseResource(this.typeFor(scope), body));
  }

  async createDoc(scope: TenantScope, given: ResourceDoc): Promise<ResourceResult> {
    const doc = withoutWriteOnly(this.typeFor(scope), given);
    validateResource(this.typeFor(scope), doc);
    const id = randomUUID();
    const now = this.now();
    const audit = auditOfChange(this.type.name, id, undefined, doc, now);
    const stored = await this.repository.create(scope.tenantId, id, doc, now, audit);
    return this.resultOf(scope, stored);
  }

  async get(
    scope: TenantScope,
    id: string,
    projection: AttributeSelection = ALL_ATTRIBUTES,
    enrich?: Enrich,
  ): Promise<ResourceResult> {
    const stored = await this.mustGet(scope, id);
    const result = this.resultOf(scope, stored);
    const resource = enrich ? await enrich(result.resource, id) : result.resource;
    return { ...result, resource: project(resource, projection) };
  }

  async replace(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult> {
    return this.replaceDoc(scope, id, canonicaliseResource(this.typeFor(scope), body), ifMatch);
  }

  async replaceDoc(
    scope: TenantScope,
    id: string,
    doc: ResourceDoc,
    ifMatch?: string,
  ): Promise<ResourceResult> {
    validateResource(this.typeFor(scope), doc);
    return this.modify(scope, id, ifMatch, () => doc);
  }

  async patch(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult> {
    return this.patchOperations(scope, id, parsePatchRequest(body), ifMatch);
  }

  async patchOperations(
    scope: TenantScope,
    id: string,
    operations: readonly PatchOperation[],
    ifMatch?: string,
  ): Promise<ResourceResult> {
    return this.modify(scope, id, ifMatch, (current) => {
      const doc = applyPatch(this.typeFor(scope), current, operations);
      validateResource(this.typeFor(scope), doc);
      return doc;
    });
  }

  /** Reads the resource and checks an If-Match against it (for changes that do not go through modify). */
  async checkVersion(scope: TenantScope, id: string, ifMatch: string | undefined): Promise<void> {
    this.checkPrecondition(await this.mustGet(scope, id), ifMatch);
  }

  /** Resolves to whether the resource may have been in memberships (see ResourceRepository.delete). */
  async delete(scope: TenantScope, id: string, ifMatch?: string): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      const stored = await this.mustGet(scope, id);
      this.checkPrecondition(stored, ifMatch);
      try {
        const before = maskWriteOnly(this.typeFor(scope), stored.doc);
        const audit = auditOfChange(this.type.name, id, before, undefined, this.now());
        return await this.repository.delete(scope.tenantId, stored, audit);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (attempt >= MAX_CONCURRENCY_RETRIES) throw concurrencyError(ifMatch);
        await backoff(attempt);
      }
    }
  }

  /** Lists or filters resources; `enrich` adds unstored attributes (see resourceQuery). */
  query(
    scope: TenantScope,
    options: QueryOptions,
    enrich?: Enrich,
    filterNeedsEnrich = false,
  ): Promise<ListResponse> {
    return runQuery(
      {
        type: this.typeFor(scope),
        repository: this.repository,
        tenantId: scope.tenantId,
        render: (stored) => this.render(scope, stored),
        ...(enrich ? { enrich } : {}),
        filterNeedsEnrich,
        ...(this.bookmarks ? { bookmarks: this.bookmarks } : {}),
      },
      options,
    );
  }

  private async modify(
    scope: TenantScope,
    id: string,
    ifMatch: string | undefined,
    change: (current: ResourceDoc) => ResourceDoc,
  ): Promise<ResourceResult> {
    for (let attempt = 0; ; attempt += 1) {
      const stored = await this.mustGet(scope, id);
      this.checkPrecondition(stored, ifMatch);
      // A row written before write-only attributes were dropped loses them on its next write.
      const type = this.typeFor(scope);
      const doc = withoutWriteOnly(type, change(stored.doc));
      try {
        // Entra re-sends values it already sent: a request that changes nothing writes nothing.
        if (docJson(doc) === docJson(stored.doc)) return this.resultOf(scope, stored);
        const now = this.now();
        const audit = auditOfChange(this.type.name, id, maskWriteOnly(type, stored.doc), doc, now);
        const updated = await this.repository.update(scope.tenantId, stored, doc, now, audit);
        return this.resultOf(scope, updated);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (ifMatch !== undefined || attempt >= MAX_CONCURRENCY_RETRIES) throw concurrencyError(ifMatch);
        await backoff(attempt);
      }
    }
  }

  private checkPrecondition(stored: StoredResource, ifMatch: string | undefined): void {
    if (ifMatch !== undefined && !etagMatches(ifMatch, stored.version)) {
      throw new ScimError(412, `The resource's version is ${stored.version}, not ${ifMatch}.`);
    }
  }

  private async mustGet(scope: TenantScope, id: string): Promise<StoredResource> {
    const stored = await this.repository.get(scope.tenantId, id);
    if (!stored) throw notFound(`${this.type.name} ${id} not found.`);
    return stored;
  }

  private resultOf(scope: TenantScope, stored: StoredResource): ResourceResult {
    return {
      resource: this.render(scope, stored),
      location: this.locationOf(scope, stored.id),
      version: stored.version,
    };
  }

  private render(scope: TenantScope, stored: StoredResource): ScimResource {
    return renderResource(this.typeFor(scope), stored, this.locationOf(scope, stored.id));
  }

  private locationOf(scope: TenantScope, id: string): string {
    return `${scope.baseUrl}${this.type.endpoint}/${encodeURIComponent(id)}`;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
