import type { Position } from "./candidates";

/** Which walk a bookmark belongs to: the resource type, the query (its filter) and the page it starts. */
export interface BookmarkKey {
  readonly resourceType: string;
  /** The filter as sent ("" for none): a bookmark is used only by the very same query. */
  readonly query: string;
  /** The startIndex of the page the bookmark lets begin without reading what comes before. */
  readonly startIndex: number;
}

/** Where the match before `startIndex` ended, and the walk's total. */
export interface Bookmark {
  readonly position: Position;
  readonly totalResults: number;
}

/**
 * Index paging (RFC 7644 startIndex) remembers where each page ended, so the next page resumes
 * there instead of reading every resource before it. Shared by every instance (Entra's pages of one
 * walk land on any of them); a bookmark is an optimisation, so a missing one only costs a scan.
 */
export interface PageBookmarks {
  find(tenantId: string, key: BookmarkKey): Promise<Bookmark | undefined>;
  save(tenantId: string, key: BookmarkKey, bookmark: Bookmark): Promise<void>;
  remove(tenantId: string, key: BookmarkKey): Promise<void>;
}
