import { createHash } from "node:crypto";
import { generateToken, hashToken, sameHash } from "../../src/tenants/tokens";

describe("hashToken", () => {
  it("is the hex SHA-256 of the token's UTF-8 bytes, as stored hashes were made", () => {
    for (const token of [generateToken(), "é-ü-token", ""]) {
      expect(hashToken(token)).toBe(createHash("sha256").update(token, "utf8").digest("hex"));
    }
    const token = generateToken();
    expect(sameHash(hashToken(token), hashToken(token))).toBe(true);
    expect(sameHash(hashToken(token), hashToken(`${token}x`))).toBe(false);
  });
});
