import type { ListResponse } from "../scim/listResponse";
import { ALL_ATTRIBUTES, requests, type AttributeSelection } from "../scim/projection";
import type { ScimResource } from "../scim/render";
import { deleteThenSweep, namesNothing } from "./deletion";
import type { MembershipRepository } from "./membershipRepository";
import type { ResourceOperations } from "./resourceOperations";
import type { QueryOptions, ResourceService, TenantScope, ResourceResult } from "./resourceService";

/**
 * Users: the generic resource service, plus the read-only `groups` attribute served from reverse
 * membership rows. It is returned on request (`attributes=groups`), so GET and matching stay at
 * one and two storage round trips.
 */
export class UserService implements ResourceOperations {
  constructor(
    private readonly resources: ResourceService,
    private readonly memberships: MembershipRepository,
  ) {}

  create(scope: TenantScope, body: unknown): Promise<ResourceResult> {
    return this.resources.create(scope, body);
  }

  get(
    scope: TenantScope,
    id: string,
    projection: AttributeSelection = ALL_ATTRIBUTES,
  ): Promise<ResourceResult> {
    return this.resources.get(scope, id, projection, this.groupsEnricher(scope, projection));
  }

  query(scope: TenantScope, options: QueryOptions): Promise<ListResponse> {
    return this.resources.query(
      scope,
      options,
      this.groupsEnricher(scope, options.projection ?? ALL_ATTRIBUTES),
    );
  }

  replace(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult> {
    return this.resources.replace(scope, id, body, ifMatch);
  }

  patch(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult> {
    return this.resources.patch(scope, id, body, ifMatch);
  }

  delete(scope: TenantScope, id: string, ifMatch?: string): Promise<void> {
    return deleteThenSweep(
      () => this.resources.delete(scope, id, ifMatch),
      () => this.memberships.removeFromAll(scope.tenantId, id),
      () => namesNothing(this.memberships, scope.tenantId, id),
    );
  }

  private groupsEnricher(scope: TenantScope, projection: AttributeSelection) {
    if (!requests(projection, "groups")) return undefined;
    return async (resource: ScimResource, id: string): Promise<ScimResource> => {
      const groups = await this.memberships.groupsOf(scope.tenantId, id);
      if (groups.length === 0) return resource;
      return {
        ...resource,
        groups: groups.map((groupId) => ({
          value: groupId,
          $ref: `${scope.baseUrl}/Groups/${groupId}`,
          type: "direct",
        })),
      };
    };
  }
}
