import { badRequest, notFound, UnresolvableReferenceError } from "../scim/errors";
import { matchesFilter } from "../scim/filter/evaluate";
import { parseFilter } from "../scim/filter/parser";
import type { ListResponse } from "../scim/listResponse";
import { mentions } from "../scim/filter/mentions";
import { splitMemberOperations, type MemberChange } from "../scim/patch/members";
import { parsePatchRequest } from "../scim/patch/request";
import { ALL_ATTRIBUTES, returnsDefault, type AttributeSelection } from "../scim/projection";
import type { ScimResource } from "../scim/render";
import { canonicaliseResource } from "../scim/resource/canonicalise";
import { auditRecord } from "./audit";
import { deleteThenSweep, namesNothing } from "./deletion";
import { isPlainObject, type ResourceDoc } from "../scim/resource/types";
import {
  UnknownGroupError,
  UnknownMemberError,
  type Member,
  type MembershipRepository,
} from "./membershipRepository";
import type { ResourceOperations } from "./resourceOperations";
import type { QueryOptions, ResourceService, TenantScope, ResourceResult } from "./resourceService";

function memberIdsOf(doc: ResourceDoc): string[] {
  const members = Array.isArray(doc.members) ? doc.members : [];
  return members.flatMap((member) =>
    isPlainObject(member) && typeof member.value === "string" ? [member.value] : [],
  );
}

/**
 * Member ids that are no user or group of the tenant are the client's error: 400, nothing changed.
 * Entra calls it a reference failure and counts it apart (see UnresolvableReferenceError).
 */
function asInvalidMember(error: unknown): unknown {
  if (!(error instanceof UnknownMemberError)) return error;
  return new UnresolvableReferenceError(`${error.message} Members must be users or groups of this tenant.`);
}

function withoutMembers(doc: ResourceDoc): ResourceDoc {
  const { members: _members, ...rest } = doc;
  return rest;
}

/**
 * Groups: attributes through the generic resource service, members as membership rows. A group
 * row never holds its member list, so adding or removing k members costs O(k) whatever its size.
 */
export class GroupService implements ResourceOperations {
  constructor(
    private readonly resources: ResourceService,
    private readonly memberships: MembershipRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(scope: TenantScope, body: unknown): Promise<ResourceResult> {
    const doc = canonicaliseResource(this.resources.typeFor(scope), body);
    const memberIds = memberIdsOf(doc);
    const changes: MemberChange[] = [{ kind: "add", ids: memberIds }];
    await this.checkMemberChanges(scope, undefined, changes, true);
    const created = await this.resources.createDoc(scope, withoutMembers(doc));
    const id = String(created.resource.id);
    if (memberIds.length > 0) {
      try {
        await this.changeMembers(scope, id, changes);
      } catch (error) {
        // Members checked above can still fail (a storage fault, a member deleted meanwhile): a group
        // is not left behind half made, nor are the members added.
        await this.delete(scope, id);
        throw error;
      }
    }
    return this.get(scope, id);
  }

  /** The group, its members streamed page by page so a 100,000-member group is never held in memory. */
  async get(
    scope: TenantScope,
    id: string,
    projection: AttributeSelection = ALL_ATTRIBUTES,
  ): Promise<ResourceResult> {
    const result = await this.resources.get(scope, id, projection);
    if (!returnsDefault(projection, "members")) return result;
    return { ...result, streamed: { attribute: "members", pages: this.memberPages(scope, id) } };
  }

  private async *memberPages(scope: TenantScope, id: string): AsyncIterable<Record<string, string>[]> {
    for await (const page of this.memberships.members(scope.tenantId, id)) {
      yield page.map((member) => this.render(scope, member));
    }
  }

  query(scope: TenantScope, options: QueryOptions): Promise<ListResponse> {
    const filter = options.filter === undefined ? undefined : parseFilter(options.filter);
    const filterOnMembers = filter !== undefined && mentions(filter, "members");
    const enrich = this.membersEnricher(
      scope,
      filterOnMembers ? ALL_ATTRIBUTES : (options.projection ?? ALL_ATTRIBUTES),
    );
    return this.resources.query(scope, options, enrich, filterOnMembers);
  }

  async replace(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult> {
    const doc = canonicaliseResource(this.resources.typeFor(scope), body);
    const changes: MemberChange[] = [{ kind: "replace", ids: memberIdsOf(doc) }];
    // The attributes are written first: refuse bad members before that, so a 400 changes nothing.
    await this.checkMemberChanges(scope, id, changes, true);
    await this.resources.replaceDoc(scope, id, withoutMembers(doc), ifMatch);
    await this.changeMembers(scope, id, changes);
    return this.get(scope, id);
  }

  async patch(
    scope: TenantScope,
    id: string,
    body: unknown,
    ifMatch?: string,
  ): Promise<ResourceResult | undefined> {
    const type = this.resources.typeFor(scope);
    const { attributes, members } = splitMemberOperations(type, parsePatchRequest(body));
    // Attributes and each member change are written apart: check the members first, so a request
    // refused for a bad member changes nothing (an attribute error is found before anything is
    // written). A lone member change needs no separate check: its own transaction refuses it whole.
    await this.checkMemberChanges(scope, id, members, attributes.length > 0 || members.length > 1);
    let result: ResourceResult | undefined;
    if (attributes.length > 0) result = await this.resources.patchOperations(scope, id, attributes, ifMatch);
    else if (ifMatch !== undefined) await this.resources.checkVersion(scope, id, ifMatch);
    await this.changeMembers(scope, id, members);
    return members.length > 0 ? undefined : result;
  }

  delete(scope: TenantScope, id: string, ifMatch?: string): Promise<void> {
    return deleteThenSweep(
      () => this.resources.delete(scope, id, ifMatch),
      async () => {
        await this.memberships.removeAllOf(scope.tenantId, id);
        // A group can itself be a member (of a parent group): those rows go too.
        await this.memberships.removeFromAll(scope.tenantId, id);
      },
      () => namesNothing(this.memberships, scope.tenantId, id),
    );
  }

  private membersEnricher(scope: TenantScope, projection: AttributeSelection) {
    if (!returnsDefault(projection, "members")) return undefined;
    return async (resource: ScimResource, id: string): Promise<ScimResource> => {
      const members: Record<string, string>[] = [];
      for await (const page of this.memberships.members(scope.tenantId, id)) {
        for (const member of page) members.push(this.render(scope, member));
      }
      return { ...resource, members };
    };
  }

  private render(scope: TenantScope, member: Member): Record<string, string> {
    const endpoint = member.kind === "User" ? "Users" : "Groups";
    return { value: member.id, $ref: `${scope.baseUrl}/${endpoint}/${member.id}`, type: member.kind };
  }

  private async changeMembers(
    scope: TenantScope,
    groupId: string,
    changes: readonly MemberChange[],
  ): Promise<void> {
    const now = this.clock().toISOString();
    try {
      for (const change of changes) {
        switch (change.kind) {
          case "add":
            await this.addMembers(scope, groupId, change.ids, now);
            break;
          case "remove":
            await this.removeMembers(scope, groupId, change.ids, now);
            break;
          case "removeWhere":
            await this.removeMembers(scope, groupId, await this.membersWhere(scope, groupId, change), now);
            break;
          case "replace":
            await this.replaceMembers(scope, groupId, change.ids, now);
            break;
        }
      }
    } catch (error) {
      if (error instanceof UnknownGroupError) throw notFound(`Group ${groupId} not found.`);
      throw asInvalidMember(error);
    }
  }

  /**
   * Refuses member ids that can never be members (the group itself, ids no row key can hold) and,
   * when `mustExist`, ids that name no user or group (one read each).
   */
  private async checkMemberChanges(
    scope: TenantScope,
    groupId: string | undefined,
    changes: readonly MemberChange[],
    mustExist: boolean,
  ): Promise<void> {
    const ids = changes.flatMap((change) =>
      change.kind === "add" || change.kind === "replace" ? change.ids : [],
    );
    if (groupId !== undefined && ids.includes(groupId)) {
      throw badRequest("invalidValue", "A group cannot be a member of itself.");
    }
    // Member ids become row keys, and the Table SDK cannot encode a lone UTF-16 surrogate (a 503).
    const named = changes.flatMap((change) => ("ids" in change ? change.ids : []));
    if (named.some((id) => /\p{Cs}/u.test(id))) {
      throw badRequest("invalidValue", "A member id holds an unpaired UTF-16 surrogate.");
    }
    if (!mustExist || ids.length === 0) return;
    try {
      await this.memberships.verifyMembers(scope.tenantId, ids);
    } catch (error) {
      throw asInvalidMember(error);
    }
  }

  private async membersWhere(
    scope: TenantScope,
    groupId: string,
    change: Extract<MemberChange, { kind: "removeWhere" }>,
  ): Promise<string[]> {
    const doomed: string[] = [];
    const type = this.resources.typeFor(scope);
    for await (const page of this.memberships.members(scope.tenantId, groupId)) {
      for (const member of page) {
        const element = this.render(scope, member);
        const filter = { kind: "valuePath", path: { attribute: "members" }, filter: change.filter } as const;
        if (matchesFilter(filter, { members: [element] }, type)) doomed.push(member.id);
      }
    }
    return doomed;
  }

  private async replaceMembers(scope: TenantScope, groupId: string, ids: readonly string[], now: string) {
    const wanted = new Set(ids);
    const current = new Set<string>();
    for await (const page of this.memberships.members(scope.tenantId, groupId)) {
      for (const member of page) current.add(member.id);
    }
    await this.addMembers(
      scope,
      groupId,
      [...wanted].filter((id) => !current.has(id)),
      now,
    );
    await this.removeMembers(
      scope,
      groupId,
      [...current].filter((id) => !wanted.has(id)),
      now,
    );
  }

  private addMembers(scope: TenantScope, groupId: string, ids: readonly string[], now: string) {
    return this.memberships.add(scope.tenantId, groupId, ids, now, (added) =>
      auditRecord("membersAdded", "Group", groupId, [{ attribute: "members", after: added }], now),
    );
  }

  private removeMembers(scope: TenantScope, groupId: string, ids: readonly string[], now: string) {
    return this.memberships.remove(scope.tenantId, groupId, ids, now, (removed) =>
      auditRecord("membersRemoved", "Group", groupId, [{ attribute: "members", before: removed }], now),
    );
  }
}
