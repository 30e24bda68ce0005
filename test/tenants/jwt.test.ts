import { issueAccessToken, startTestHost, type TestHost } from "../support/testServices";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The other spellings of a base64url text that Node's lenient decoder reads as the same bytes. */
function otherSpellings(text: string): string[] {
  const bytes = Buffer.from(text, "base64url");
  return Array.from({ length: ALPHABET.length }, (_, i) => ALPHABET.charAt(i))
    .map((last) => text.slice(0, -1) + last)
    .filter((spelling) => spelling !== text && Buffer.from(spelling, "base64url").equals(bytes));
}

describe("access-token signatures are strict base64url", () => {
  let harness: TestHost;
  afterAll(() => harness.close());

  it("accepts only the canonical spelling of the signature's last character, over HTTP", async () => {
    harness = await startTestHost();
    const tenant = await harness.createTenant("jwt");
    const { accessToken: token } = await issueAccessToken(harness, tenant);
    const [header, payload, signature = ""] = token.split(".");
    const get = (bearer: string) =>
      fetch(`${tenant.tenantUrl}/ServiceProviderConfig`, { headers: { Authorization: `Bearer ${bearer}` } });
    expect((await get(token)).status).toBe(200);
    const spellings = otherSpellings(signature);
    expect(spellings).toHaveLength(3);
    for (const spelling of spellings)
      expect((await get(`${header}.${payload}.${spelling}`)).status).toBe(401);
  });
});
