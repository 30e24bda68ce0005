import { z } from "zod";

/**
 * Workload identity federation: a tenant trusts assertions (RFC 7523 JWTs) that a named issuer
 * signs for a named subject, instead of holding a client secret. A trust is configuration, not a
 * secret: it names who may sign, never a key (the keys are fetched from `jwksUri`).
 */
export interface FederatedTrust {
  /** Our id of the trust; Entra may send it as `client_id`. */
  readonly trustId: string;
  /** The assertion's `iss`, exactly (e.g. `https://login.microsoftonline.com/<tid>/v2.0`). */
  readonly issuer: string;
  /** The assertion's `sub`, exactly (the provisioning service principal's object id). */
  readonly subject: string;
  /** Accepted `aud` values, each compared exactly: Entra's value depends on how it got the token. */
  readonly audiences: readonly string[];
  /** Where the issuer publishes its signing keys (its OpenID configuration's `jwks_uri`). */
  readonly jwksUri: string;
  readonly created: string;
}

export type NewTrust = Omit<FederatedTrust, "trustId" | "created">;

export class TrustError extends Error {}

const MAX_TRUSTS_PER_TENANT = 10;
const MAX_AUDIENCES = 10;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** https only; plain http only to this machine (a local issuer in tests and `npm run dev`). */
function isAllowedJwksUri(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.username !== "" || url.password !== "") return false;
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      (value) => value.trim() === value && !Array.from(value).some((char) => char.charCodeAt(0) < 0x20),
      "no spaces around, no controls",
    );

const newTrustSchema = z.strictObject({
  issuer: text(512),
  subject: text(256),
  audiences: z.array(text(512)).min(1).max(MAX_AUDIENCES),
  jwksUri: z.string().max(2048).refine(isAllowedJwksUri, "must be an https URL (http only to 127.0.0.1)"),
});

const documentSchema = z.object({
  version: z.literal(1),
  trusts: z.array(newTrustSchema.extend({ trustId: z.string().min(1), created: z.iso.datetime() }).strict()),
});

/** Checks what an operator entered; the message names the field. */
export function validateNewTrust(input: NewTrust): NewTrust {
  const parsed = newTrustSchema.safeParse({ ...input, audiences: [...new Set(input.audiences)] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrustError(
      `Invalid trust: ${issue?.path.join(".") ?? "trust"}: ${issue?.message ?? "invalid"}.`,
    );
  }
  return parsed.data;
}

export function parseTrusts(document: string): readonly FederatedTrust[] {
  return documentSchema.parse(JSON.parse(document)).trusts;
}

export function serializeTrusts(trusts: readonly FederatedTrust[]): string {
  return JSON.stringify({ version: 1, trusts });
}

export function withTrust(trusts: readonly FederatedTrust[], trust: FederatedTrust): FederatedTrust[] {
  if (trusts.some((t) => t.issuer === trust.issuer && t.subject === trust.subject)) {
    throw new TrustError(
      `A trust for issuer '${trust.issuer}' and subject '${trust.subject}' already exists.`,
    );
  }
  if (trusts.length >= MAX_TRUSTS_PER_TENANT) {
    throw new TrustError(`A tenant holds at most ${MAX_TRUSTS_PER_TENANT} trusts.`);
  }
  return [...trusts, trust];
}

export function withoutTrust(trusts: readonly FederatedTrust[], trustId: string): FederatedTrust[] {
  if (!trusts.some((trust) => trust.trustId === trustId)) throw new TrustError(`No trust '${trustId}'.`);
  return trusts.filter((trust) => trust.trustId !== trustId);
}

/** Where a tenant's trusts are kept. */
export interface TrustRepository {
  read(tenantId: string): Promise<readonly FederatedTrust[]>;
  update(
    tenantId: string,
    change: (current: readonly FederatedTrust[]) => readonly FederatedTrust[],
  ): Promise<readonly FederatedTrust[]>;
}
