import type { AuditRecord } from "./audit";

export interface AuditQuery {
  /** Only records at or after this time. */
  readonly since?: Date;
  readonly resourceId?: string;
  readonly limit: number;
  /** From an earlier page's `next`. */
  readonly cursor?: string;
}

export interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly next?: string;
}

/** Reading and expiring a tenant's audit trail (records are written with the changes themselves). */
export interface AuditLog {
  /** Newest first. */
  list(tenantId: string, query: AuditQuery): Promise<AuditPage>;
  /** Deletes records older than `before`; returns how many. */
  purge(tenantId: string, before: Date): Promise<number>;
  /** Appends a record on its own (changes stored elsewhere, e.g. credentials in Key Vault). */
  append(tenantId: string, record: AuditRecord): Promise<void>;
}
