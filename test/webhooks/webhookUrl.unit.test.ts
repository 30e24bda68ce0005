import { guardedLookup, checkWebhookUrl, isPrivateAddress } from "../../src/webhooks/webhookUrl";

const AZURE = { local: false };
const LOCAL = { local: true };

describe("webhook targets", () => {
  it("in Azure: https to a public host only", () => {
    expect(checkWebhookUrl("https://hooks.example.com/scim", AZURE).toString()).toBe(
      "https://hooks.example.com/scim",
    );
    for (const url of [
      "http://hooks.example.com/scim",
      "ftp://hooks.example.com/",
      "https://127.0.0.1/x",
      "https://localhost/x",
      "https://10.1.2.3/x",
      "https://172.16.0.9/x",
      "https://192.168.1.1/x",
      "https://169.254.169.254/metadata",
      "https://100.64.0.1/x",
      "https://[::1]/x",
      "https://[fe80::1]/x",
      "https://[fd00::1]/x",
      "https://[::ffff:10.0.0.1]/x",
      "https://user:pass@hooks.example.com/",
      "not a url",
    ]) {
      expect(() => checkWebhookUrl(url, AZURE)).toThrow(
        expect.objectContaining({ status: 400, code: "invalid_url" }),
      );
    }
  });

  it("locally: http to loopback as well, but not http elsewhere", () => {
    expect(checkWebhookUrl("http://127.0.0.1:4000/hook", LOCAL).port).toBe("4000");
    expect(checkWebhookUrl("http://localhost:4000/hook", LOCAL).hostname).toBe("localhost");
    expect(() => checkWebhookUrl("http://hooks.example.com/", LOCAL)).toThrow(/https/);
  });

  it("knows private and public addresses", () => {
    for (const address of ["10.0.0.1", "127.0.0.1", "169.254.1.1", "::1", "fe80::2", "fc00::5", "0.0.0.0"]) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    for (const address of ["20.50.2.1", "8.8.8.8", "2001:db8::1"]) {
      expect(isPrivateAddress(address)).toBe(false);
    }
  });

  it("refuses, at connect time in Azure, a name that resolves to a private address", async () => {
    const resolve = (policy: { local: boolean }) =>
      new Promise<string>((done) => {
        guardedLookup(policy)("localhost", {}, (error, address) => {
          done(error ? `refused: ${error.code ?? ""}` : address);
        });
      });
    expect(await resolve(AZURE)).toBe("refused: EPRIVATE");
    expect(await resolve(LOCAL)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
