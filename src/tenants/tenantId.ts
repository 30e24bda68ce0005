/** Tenant ids appear in URLs and Table keys: letters, digits, `-` and `_`, 1–63 characters. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function isValidTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}
