import fc from "fast-check";
import {
  EMPTY_CREDENTIALS,
  liveTokens,
  previousTokenIds,
  withClient,
  withClientRevoked,
  withToken,
  withTokensRevoked,
} from "../../src/tenants/credentials";
import { signJwt, verifyJwtSignature } from "../../src/tenants/jwt";
import { SIGNING_KEYS_SECRET, tenantSecretName } from "../../src/tenants/secretNames";
import { generateSigningSecret } from "../../src/tenants/tokens";

const at = (iso: string) => new Date(iso);
const token = (tokenId: string, created: string) => ({ tokenId, hash: tokenId.repeat(4), created });

/** Token "a" on Jan 1, rotated to "b" on Jan 2 with a week's grace for "a". */
function rotatedOnce() {
  const first = withToken(
    EMPTY_CREDENTIALS,
    token("a", "2030-01-01T00:00:00.000Z"),
    at("2030-01-01T00:00:00Z"),
  );
  return withToken(
    first,
    token("b", "2030-01-02T00:00:00.000Z"),
    at("2030-01-02T00:00:00Z"),
    at("2030-01-09T00:00:00Z"),
  );
}

describe("credential document changes", () => {
  it("keep the app keys and webhook secrets when tokens or clients change", () => {
    const now = at("2030-01-01T00:00:00Z");
    const doc = {
      ...EMPTY_CREDENTIALS,
      appKeys: [{ keyId: "k1", hash: "h".repeat(8), created: "2030-01-01T00:00:00.000Z" }],
      webhookSecrets: [{ endpointId: "e1", secret: "s".repeat(8), created: "2030-01-01T00:00:00.000Z" }],
    };
    const client = {
      clientId: "c1",
      hash: "c".repeat(8),
      created: "2030-01-01T00:00:00.000Z",
      expiresAt: "2031-01-01T00:00:00.000Z",
    };
    for (const changed of [
      withToken(doc, token("a", "2030-01-01T00:00:00.000Z"), now),
      withTokensRevoked(doc, new Set(["a"]), now),
      withClient(doc, client, now),
      withClientRevoked(withClient(doc, client, now), "c1", now),
    ]) {
      expect(changed.appKeys).toEqual(doc.appKeys);
      expect(changed.webhookSecrets).toEqual(doc.webhookSecrets);
    }
  });

  it("keeps previous tokens until the grace period ends, and drops long-expired ones", () => {
    let doc = rotatedOnce();
    expect(liveTokens(doc, at("2030-01-08T23:59:59Z")).map((t) => t.tokenId)).toEqual(["a", "b"]);
    expect(liveTokens(doc, at("2030-01-09T00:00:00Z")).map((t) => t.tokenId)).toEqual(["b"]);
    // A second rotation never extends the first one's grace period.
    doc = withToken(
      doc,
      token("c", "2030-01-03T00:00:00.000Z"),
      at("2030-01-03T00:00:00Z"),
      at("2030-01-10T00:00:00Z"),
    );
    expect(doc.tokens.find((t) => t.tokenId === "a")?.expiresAt).toBe("2030-01-09T00:00:00.000Z");
    doc = withToken(doc, token("d", "2030-03-01T00:00:00.000Z"), at("2030-03-01T00:00:00Z"));
    expect(doc.tokens.map((t) => t.tokenId)).toEqual(["c", "d"]);
  });

  it("revokes at once, and 'previous' means every live token but the newest", () => {
    let doc = rotatedOnce();
    const now = at("2030-01-03T00:00:00Z");
    expect([...previousTokenIds(doc, now)]).toEqual(["a"]);
    doc = withTokensRevoked(doc, new Set(["a"]), now);
    expect(liveTokens(doc, now).map((t) => t.tokenId)).toEqual(["b"]);
  });
});

describe("Key Vault secret names", () => {
  const tenantId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/);

  it("are valid secret names, and distinct even though Key Vault ignores case", () => {
    fc.assert(
      fc.property(tenantId, tenantId, (a, b) => {
        const name = tenantSecretName(a);
        expect(name).toMatch(/^[0-9A-Za-z-]{1,127}$/);
        expect(name).not.toBe(SIGNING_KEYS_SECRET);
        if (a !== b) expect(name.toLowerCase()).not.toBe(tenantSecretName(b).toLowerCase());
      }),
      { numRuns: 2000 },
    );
    expect(tenantSecretName("contoso-prod")).toBe("scim-tenant-contoso-prod");
    expect(tenantSecretName("Contoso")).not.toBe(tenantSecretName("contoso"));
    expect(tenantSecretName("a_b")).not.toBe(tenantSecretName("a-b"));
    expect(tenantSecretName("Z".repeat(63)).length).toBeLessThanOrEqual(127);
  });
});

describe("HS256 JWTs", () => {
  it("verify only with the signing key, an untouched payload and alg HS256", async () => {
    const secret = generateSigningSecret();
    const jwt = await signJwt({ sub: "x" }, "k1", secret);
    expect(await verifyJwtSignature(jwt, secret)).toEqual({ sub: "x" });
    expect(await verifyJwtSignature(jwt, generateSigningSecret())).toBeUndefined();
    const [header, , signature] = jwt.split(".");
    const forged = `${header}.${Buffer.from('{"sub":"y"}').toString("base64url")}.${signature}`;
    expect(await verifyJwtSignature(forged, secret)).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none","kid":"k1"}').toString("base64url")}.${jwt.split(".")[1]}.`;
    expect(await verifyJwtSignature(none, secret)).toBeUndefined();
  });
});
