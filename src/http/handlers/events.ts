import { ApiError } from "../../events/apiError";
import { DEFAULT_FEED_PAGE, MAX_FEED_PAGE } from "../../events/eventFeed";
import type { AppOperation } from "../appEndpoint";
import { queryParam } from "../query";

export function limitParam(query: URLSearchParams, fallback: number, max: number): number {
  const raw = queryParam(query, "limit");
  if (raw === undefined) return fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new ApiError(400, "invalid_limit", `'limit' must be an integer from 1 to ${max}.`);
  }
  return Number(raw);
}

/** GET /api/v1/tenants/{tenantId}/events?after=<cursor>&limit=N: the tenant's events in commit order. */
export const getEvents: AppOperation = async ({ request, tenantId, services }) => {
  const limit = limitParam(request.query, DEFAULT_FEED_PAGE, MAX_FEED_PAGE);
  const after = queryParam(request.query, "after");
  return { body: await services.eventFeed.page(tenantId, after === "" ? undefined : after, limit) };
};

/** GET /api/v1/tenants/{tenantId}/events/latest: a cursor at the end of the feed (after a full re-read). */
export const getLatestCursor: AppOperation = async ({ tenantId, services }) => ({
  body: { next: await services.eventFeed.latest(tenantId) },
});
