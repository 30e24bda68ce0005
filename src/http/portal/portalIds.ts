import { ApiError } from "../../events/apiError";

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The `{id}` of the route, checked before any read: anything else is simply not found. */
export function routeId(params: Readonly<Record<string, string | undefined>>, what: string): string {
  const id = params.id ?? "";
  if (!ID.test(id)) throw new ApiError(404, "notFound", `No ${what} '${id.slice(0, 64)}'.`);
  return id;
}
