import { UsageError } from "../../../packages/entra-replay/src/commandLine";
import { parseCommand } from "../../../packages/entra-replay/src/cli";

describe("entra-scim-replay's command line", () => {
  const base = ["replay", "--url", "https://h/scim/v2/t", "--token", "s"];

  it("defaults: both dialects, both suites, the replay's own 15 s timeout", () => {
    const command = parseCommand(base);
    expect(command?.options.suite).toBe("all");
    expect(command?.options.dialect).toBe("both");
    expect(command?.options.timeoutMs).toBeUndefined();
  });

  it("reads --timeout in seconds, --suite and the OAuth settings", () => {
    const command = parseCommand([
      ...base,
      "--timeout",
      "2.5",
      "--suite",
      "gallery",
      "--token-endpoint",
      "https://h/oauth/token",
      "--client-id",
      "id",
      "--client-secret",
      "secret",
    ]);
    expect(command?.options.timeoutMs).toBe(2500);
    expect(command?.options.suite).toBe("gallery");
    expect(command?.options.oauth).toEqual({
      tokenEndpoint: "https://h/oauth/token",
      clientId: "id",
      clientSecret: "secret",
    });
  });

  it("refuses a bad timeout or suite with a usage error", () => {
    expect(() => parseCommand([...base, "--timeout", "0"])).toThrow(UsageError);
    expect(() => parseCommand([...base, "--timeout", "soon"])).toThrow(UsageError);
    expect(() => parseCommand([...base, "--suite", "everything"])).toThrow(UsageError);
  });
});
