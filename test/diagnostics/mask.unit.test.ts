import { MASK, maskBody, maskSecrets } from "../../src/diagnostics/mask";

describe("masking secrets for debug logs", () => {
  it("replaces the values of secret-looking keys at any depth and keeps the rest", () => {
    expect(
      maskSecrets({
        userName: "a@x.com",
        password: "hunter2",
        nested: [{ client_secret: "s", value: "v" }, { accessToken: "t" }],
        Authorization: "Bearer x",
      }),
    ).toEqual({
      userName: "a@x.com",
      password: MASK,
      nested: [{ client_secret: MASK, value: "v" }, { accessToken: MASK }],
      Authorization: MASK,
    });
  });

  it("masks JSON bodies and only measures anything else", () => {
    expect(maskBody('{"password":"p","title":"t"}')).toEqual({ password: MASK, title: "t" });
    expect(maskBody("grant_type=client_credentials&client_secret=abc")).toBe("<47 characters, not JSON>");
    expect(maskBody("")).toBeUndefined();
  });
});

describe("masking write-only values wherever a PATCH carries them", () => {
  const body = (operations: unknown[]) => JSON.stringify({ Operations: operations });

  it("masks the value of an operation whose path names a secret: plain, URN-qualified, any case", () => {
    const masked = maskBody(
      body([
        { op: "replace", path: "password", value: "a" },
        { Op: "Replace", Path: "urn:ietf:params:scim:schemas:core:2.0:User:PASSWORD", Value: "b" },
        { op: "replace", path: "displayName", value: "kept" },
        {
          op: "replace",
          value: { password: "c", "urn:ietf:params:scim:schemas:core:2.0:User:password": "d" },
        },
      ]),
    );
    expect(JSON.stringify(masked)).not.toMatch(/"[abcd]"/);
    expect(JSON.stringify(masked)).toContain('"kept"');
  });

  it("masks a tenant's write-only attributes by name, key or path", () => {
    const writeOnly = new Set(["pin"]);
    const masked = maskBody(
      body([
        { op: "replace", path: "urn:x:2.0:User:pin", value: "1" },
        { op: "replace", path: "urn:x:2.0:User", value: { Pin: "2" } },
        { op: "replace", value: { "urn:x:2.0:User:pin": "3", title: "kept" } },
      ]),
      writeOnly,
    );
    expect(JSON.stringify(masked)).not.toMatch(/"[123]"/);
    expect(JSON.stringify(masked)).toContain('"kept"');
  });

  it("masks a deeply nested value without exhausting the stack, and only measures a deep body", () => {
    let deep: unknown = { password: "p" };
    for (let level = 0; level < 50_000; level += 1) deep = [deep];
    let inner = maskSecrets(deep);
    while (Array.isArray(inner)) inner = inner[0];
    expect(inner).toEqual({ password: MASK });
    const text = `${"[".repeat(50_000)}{"password":"p"}${"]".repeat(50_000)}`;
    expect(maskBody(text)).toBe(`<${text.length} characters, nested deeper than 32 levels>`);
  });
});
