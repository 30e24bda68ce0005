import type { ResourceDoc } from "./resource/types";

/** What rendering needs of a stored resource (the store's type, without storage details). */
export interface StoredResourceView {
  readonly id: string;
  readonly doc: ResourceDoc;
  readonly created: string;
  readonly lastModified: string;
  /** An opaque weak ETag (`W/"…"`) that changes on every write; `meta.version` and the ETag header. */
  readonly version: string;
}
