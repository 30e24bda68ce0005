import { z } from "zod";
import type { ClientRecord, SigningKey, TenantCredentials, TokenRecord } from "./credentialStore";

/**
 * What rotating and revoking mean, as pure changes to a tenant's credential document, so the Key
 * Vault store and the local table store behave the same and are tested once.
 */

export const EMPTY_CREDENTIALS: TenantCredentials = { tokens: [], clients: [] };

/** Expired records are kept this long (for `list`), then dropped so the document stays small. */
const EXPIRED_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const timestamp = z.iso.datetime();
const documentSchema = z.object({
  version: z.literal(1),
  tokens: z.array(
    z.object({
      tokenId: z.string().min(1),
      hash: z.string(),
      created: timestamp,
      expiresAt: timestamp.optional(),
    }),
  ),
  clients: z.array(
    z.object({
      clientId: z.string().min(1),
      hash: z.string(),
      created: timestamp,
      expiresAt: timestamp,
      revoked: z.boolean().optional(),
    }),
  ),
  appKeys: z
    .array(
      z.object({
        keyId: z.string().min(1),
        hash: z.string(),
        created: timestamp,
        name: z.string().optional(),
        revokedAt: timestamp.optional(),
      }),
    )
    .optional(),
  webhookSecrets: z
    .array(
      z.object({
        endpointId: z.string().min(1),
        secret: z.string().min(1),
        created: timestamp,
        expiresAt: timestamp.optional(),
      }),
    )
    .optional(),
});
const signingKeysSchema = z.object({
  version: z.literal(1),
  keys: z.array(z.object({ kid: z.string().min(1), secret: z.string().min(43), created: timestamp })),
});

/** Reads a stored document; a corrupt one throws (a fault), it never reads as "no credentials". */
export function parseCredentials(text: string): TenantCredentials {
  const { tokens, clients, appKeys, webhookSecrets } = documentSchema.parse(JSON.parse(text));
  return { tokens, clients, ...(appKeys ? { appKeys } : {}), ...(webhookSecrets ? { webhookSecrets } : {}) };
}

export function serializeCredentials(credentials: TenantCredentials): string {
  const { tokens, clients, appKeys, webhookSecrets } = credentials;
  return JSON.stringify({
    version: 1,
    tokens,
    clients,
    ...(appKeys ? { appKeys } : {}),
    ...(webhookSecrets ? { webhookSecrets } : {}),
  });
}

export function parseSigningKeys(text: string): readonly SigningKey[] {
  return signingKeysSchema.parse(JSON.parse(text)).keys;
}

export function serializeSigningKeys(keys: readonly SigningKey[]): string {
  return JSON.stringify({ version: 1, keys });
}

export function isLive(expiresAt: string | undefined, now: Date): boolean {
  return expiresAt === undefined || Date.parse(expiresAt) > now.getTime();
}

export function liveTokens(credentials: TenantCredentials, now: Date): TokenRecord[] {
  return credentials.tokens.filter((token) => isLive(token.expiresAt, now));
}

function earlier(expiresAt: string | undefined, limit: Date): string {
  return expiresAt !== undefined && Date.parse(expiresAt) <= limit.getTime()
    ? expiresAt
    : limit.toISOString();
}

function pruned(credentials: TenantCredentials, now: Date): TenantCredentials {
  const keep = (expiresAt: string | undefined): boolean =>
    expiresAt === undefined || Date.parse(expiresAt) > now.getTime() - EXPIRED_RETENTION_MS;
  // Every other part of the document (app keys, webhook secrets) is kept as it is.
  return {
    ...credentials,
    tokens: credentials.tokens.filter((token) => keep(token.expiresAt)),
    clients: credentials.clients.filter((client) => keep(client.expiresAt)),
  };
}

/** Adds a token; the tokens valid before stay valid until `retirePreviousAt` (for ever, if absent). */
export function withToken(
  credentials: TenantCredentials,
  token: TokenRecord,
  now: Date,
  retirePreviousAt?: Date,
): TenantCredentials {
  const previous = retirePreviousAt
    ? credentials.tokens.map((old) => ({ ...old, expiresAt: earlier(old.expiresAt, retirePreviousAt) }))
    : credentials.tokens;
  return pruned({ ...credentials, tokens: [...previous, token] }, now);
}

/** Ends the given tokens now. */
export function withTokensRevoked(
  credentials: TenantCredentials,
  tokenIds: ReadonlySet<string>,
  now: Date,
): TenantCredentials {
  const tokens = credentials.tokens.map((token) =>
    tokenIds.has(token.tokenId) ? { ...token, expiresAt: earlier(token.expiresAt, now) } : token,
  );
  return pruned({ ...credentials, tokens }, now);
}

/** The live tokens except the newest: what a rotation left in its grace period. */
export function previousTokenIds(credentials: TenantCredentials, now: Date): Set<string> {
  const live = liveTokens(credentials, now).sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  return new Set(live.slice(0, -1).map((token) => token.tokenId));
}

export function withClient(
  credentials: TenantCredentials,
  client: ClientRecord,
  now: Date,
): TenantCredentials {
  return pruned({ ...credentials, clients: [...credentials.clients, client] }, now);
}

/** Revokes a client secret now; access tokens issued to it stop working too. */
export function withClientRevoked(
  credentials: TenantCredentials,
  clientId: string,
  now: Date,
): TenantCredentials {
  const clients = credentials.clients.map((client) =>
    client.clientId === clientId
      ? { ...client, revoked: true, expiresAt: earlier(client.expiresAt, now) }
      : client,
  );
  return pruned({ ...credentials, clients }, now);
}
