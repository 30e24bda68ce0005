import { createHash } from "node:crypto";

/**
 * A feed cursor is the sequence of the last event a consumer has, bound to its tenant by a check
 * value: a cursor of another tenant, or one whose number was edited, does not verify. It is not
 * a secret (it grants nothing; reading still needs the tenant's app key).
 */
const CURSOR_PATTERN = /^ev1_(\d{1,15})_([A-Za-z0-9_-]{16})$/;

/** 96 bits binding a cursor's parts together (tenant, purpose, position): a changed part fails it. */
export function cursorCheck(...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 16);
}

function check(tenantId: string, sequence: number): string {
  return cursorCheck("feed-cursor", tenantId, String(sequence));
}

export function encodeCursor(tenantId: string, sequence: number): string {
  return `ev1_${sequence}_${check(tenantId, sequence)}`;
}

/** The sequence the cursor stands for; undefined when it is malformed, altered or another tenant's. */
export function decodeCursor(tenantId: string, cursor: string): number | undefined {
  const match = CURSOR_PATTERN.exec(cursor);
  if (!match) return undefined;
  const sequence = Number(match[1]);
  return match[2] === check(tenantId, sequence) ? sequence : undefined;
}
