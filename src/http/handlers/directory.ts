import type { DirectoryKind, ListOptions } from "../../directory/directoryReader";
import { ApiError } from "../../events/apiError";
import type { AppCall, AppOperation, AppResult } from "../appEndpoint";
import { queryParam } from "../query";
import { jsonWithStreamedArray } from "../streamedJson";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function invalid(name: string, expected: string): ApiError {
  return new ApiError(400, "invalid_parameter", `'${name}' must be ${expected}.`);
}

function listOptions(kind: DirectoryKind, query: URLSearchParams): ListOptions {
  const cursor = queryParam(query, "cursor");
  const since = queryParam(query, "updatedSince");
  const active = queryParam(query, "active");
  if (since !== undefined && (!ISO_TIME.test(since) || Number.isNaN(Date.parse(since)))) {
    throw invalid("updatedSince", "an ISO 8601 date or time");
  }
  if (active !== undefined && (kind !== "user" || (active !== "true" && active !== "false"))) {
    throw invalid("active", "true or false (users only)");
  }
  return {
    ...(cursor ? { cursor } : {}),
    ...(since !== undefined ? { updatedSince: new Date(since) } : {}),
    ...(active !== undefined ? { active: active === "true" } : {}),
  };
}

async function listOrGet(kind: DirectoryKind, { request, tenantId, services }: AppCall): Promise<AppResult> {
  const id = request.params.id;
  if (id !== undefined && id !== "") {
    const body =
      kind === "user"
        ? await services.directory.user(tenantId, id)
        : await services.directory.group(tenantId, id);
    return { body };
  }
  const options = listOptions(kind, request.query);
  // Taken before the first page is read: a consumer that copies every page and then follows the
  // feed from here misses nothing (changes made meanwhile come again as events; applying them twice is harmless).
  const feedCursor = options.cursor === undefined ? await services.eventFeed.latest(tenantId) : undefined;
  const page = await services.directory.list(kind, tenantId, options);
  return { body: { ...page, ...(feedCursor ? { feedCursor } : {}) } };
}

/** GET /api/v1/tenants/{tenantId}/users[/{id}]: a page of users (cursor, updatedSince, active) or one user. */
export const users: AppOperation = (call) => listOrGet("user", call);

/** GET /api/v1/tenants/{tenantId}/groups[/{id}]: a page of groups (cursor, updatedSince) or one group. */
export const groups: AppOperation = (call) => listOrGet("group", call);

/** GET /api/v1/tenants/{tenantId}/groups/{id}/members: every member, streamed a store page at a time. */
export const groupMembers: AppOperation = async ({ request, tenantId, services }) => {
  const groupId = request.params.id ?? "";
  const pages = await services.directory.members(tenantId, groupId);
  async function* shaped() {
    for await (const page of pages)
      yield page.map((member) => ({ id: member.id, type: member.kind.toLowerCase() }));
  }
  return { body: undefined, stream: jsonWithStreamedArray({ groupId, members: [] }, "members", shaped()) };
};
