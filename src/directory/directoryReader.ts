import { ApiError } from "../events/apiError";
import type { Member, MembershipRepository } from "../service/membershipRepository";
import type { ResourceRepository, StoredResource } from "../service/repository";
import { directoryRecord, type DirectoryRecord } from "./directoryObject";
import { openListCursor, sealListCursor } from "./listCursor";

export type DirectoryKind = "user" | "group";

export interface ListOptions {
  readonly cursor?: string;
  /** Only resources changed at or after this time. */
  readonly updatedSince?: Date;
  /** Users only: only active (true) or only deactivated (false) users. */
  readonly active?: boolean;
}

export interface ListPage {
  readonly data: readonly DirectoryRecord[];
  /** Present while more pages follow. */
  readonly next?: string;
}

export interface UserWithGroups extends DirectoryRecord {
  /** Ids of the groups the user is a direct member of. */
  readonly groups: readonly string[];
}

function matches(stored: StoredResource, options: ListOptions): boolean {
  if (options.updatedSince && Date.parse(stored.lastModified) < options.updatedSince.getTime()) return false;
  if (options.active !== undefined && (stored.doc.active !== false) !== options.active) return false;
  return true;
}

function notFound(kind: DirectoryKind, id: string): ApiError {
  return new ApiError(404, "not_found", `No ${kind} '${id}' in this tenant.`);
}

/**
 * The application's view of a tenant's directory: users and groups a store page at a time, one
 * user with its groups, one group's members streamed page by page. Reads only; never SCIM shapes.
 */
export class DirectoryReader {
  constructor(
    private readonly users: ResourceRepository,
    private readonly groups: ResourceRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  async list(kind: DirectoryKind, tenantId: string, options: ListOptions): Promise<ListPage> {
    const from = options.cursor === undefined ? undefined : openListCursor(tenantId, kind, options.cursor);
    if (options.cursor !== undefined && from === undefined) {
      throw new ApiError(400, "invalid_cursor", "The cursor is malformed, altered, or from another listing.");
    }
    for await (const page of this.repository(kind).scanPages(tenantId, from)) {
      return {
        data: page.items.filter((item) => matches(item, options)).map((item) => directoryRecord(kind, item)),
        ...(page.next ? { next: sealListCursor(tenantId, kind, page.next) } : {}),
      };
    }
    return { data: [] };
  }

  async user(tenantId: string, id: string): Promise<UserWithGroups> {
    const stored = await this.users.get(tenantId, id);
    if (!stored) throw notFound("user", id);
    return { ...directoryRecord("user", stored), groups: await this.memberships.groupsOf(tenantId, id) };
  }

  async group(tenantId: string, id: string): Promise<DirectoryRecord> {
    const stored = await this.groups.get(tenantId, id);
    if (!stored) throw notFound("group", id);
    return directoryRecord("group", stored);
  }

  /** The group's members, one store page at a time (the group is checked first: 404 when missing). */
  async members(tenantId: string, groupId: string): Promise<AsyncIterable<readonly Member[]>> {
    await this.group(tenantId, groupId);
    return this.memberships.members(tenantId, groupId);
  }

  private repository(kind: DirectoryKind): ResourceRepository {
    return kind === "user" ? this.users : this.groups;
  }
}
