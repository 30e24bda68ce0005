import { cursorCheck } from "../events/cursor";

/**
 * A listing cursor wraps the store's continuation token with the tenant and resource kind it was
 * issued for, so a cursor of another tenant or listing, or an edited one, is refused (400) instead
 * of being handed to the store.
 */
export function sealListCursor(tenantId: string, kind: string, token: string): string {
  const payload = Buffer.from(token, "utf8").toString("base64url");
  return `ls1.${payload}.${cursorCheck("list-cursor", tenantId, kind, token)}`;
}

/** The store token inside a cursor; undefined when it is malformed, altered, or not this listing's. */
export function openListCursor(tenantId: string, kind: string, cursor: string): string | undefined {
  const match = /^ls1\.([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{16})$/.exec(cursor);
  if (!match?.[1]) return undefined;
  const token = Buffer.from(match[1], "base64url").toString("utf8");
  return match[2] === cursorCheck("list-cursor", tenantId, kind, token) ? token : undefined;
}
