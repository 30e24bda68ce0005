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
