/**
 * Key Vault secret names allow only `[0-9A-Za-z-]` (1–127) and ignore case, while tenant ids are
 * case-sensitive and may contain `_`. Ids that are already lower-case alphanumerics and dashes keep
 * a readable name; every other id is base32-encoded under a different prefix, so no two tenants
 * share a secret (the prefixes differ at the same position, and base32 is lower-case and reversible).
 */
const PLAIN_PREFIX = "scim-tenant-";
const ENCODED_PREFIX = "scim-tenantx-";
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Deployment-wide: the keys that sign OAuth access tokens (no tenant name can take this form). */
export const SIGNING_KEYS_SECRET = "scim-oauth-signing-keys";

function base32(bytes: Buffer): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >> (bits - 5)) & 31] ?? "";
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31] ?? "";
  return out;
}

/** At most 13 + 101 characters for a 63-character id: within Key Vault's 127. */
export function tenantSecretName(tenantId: string): string {
  return /^[a-z0-9-]+$/.test(tenantId)
    ? PLAIN_PREFIX + tenantId
    : ENCODED_PREFIX + base32(Buffer.from(tenantId, "utf8"));
}
