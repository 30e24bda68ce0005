import { DEPLOYED, runAzdScript } from "./azdHarness";

describe("npm run tenant:azure (tools/azd/tenantAzure.ts)", () => {
  it("runs the tenant CLI with the given arguments against the deployed environment, as the azd login", () => {
    const { status, stdout, calls } = runAzdScript("tenantAzure", { args: ["create", "fabrikam"] });
    expect(status).toBe(0);
    expect(calls).toEqual([
      {
        args: ["create", "fabrikam"],
        env: {
          ...DEPLOYED,
          STORAGE_CONNECTION_STRING: null,
          AZURE_TOKEN_CREDENTIALS: "AzureDeveloperCliCredential",
        },
      },
    ]);
    // Run by an operator on purpose: the token is theirs to see.
    expect(stdout).toContain("Secret Token: scim_fake-token");
  });

  it("exits with the CLI's status", () => {
    expect(runAzdScript("tenantAzure", { args: ["no-such-command"] }).status).toBe(3);
  });

  it("says what to run when the environment has no deployment", () => {
    const { status, stderr, calls } = runAzdScript("tenantAzure", { values: {}, args: ["list"] });
    expect(status).toBe(1);
    expect(stderr).toContain("the azd environment has no STORAGE_TABLE_ENDPOINT");
    expect(calls).toEqual([]);
  });
});
