import type { ListResponse } from "../scim/listResponse";
import type { AttributeSelection } from "../scim/projection";
import type { QueryOptions, TenantScope, ResourceResult } from "./resourceService";

/** What the HTTP layer needs of a resource type's service. */
export interface ResourceOperations {
  create(scope: TenantScope, body: unknown): Promise<ResourceResult>;
  get(scope: TenantScope, id: string, projection?: AttributeSelection): Promise<ResourceResult>;
  replace(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult>;
  /** The changed resource, or undefined when only memberships changed (nothing else was read). */
  patch(scope: TenantScope, id: string, body: unknown, ifMatch?: string): Promise<ResourceResult | undefined>;
  delete(scope: TenantScope, id: string, ifMatch?: string): Promise<void>;
  query(scope: TenantScope, options: QueryOptions): Promise<ListResponse>;
}
