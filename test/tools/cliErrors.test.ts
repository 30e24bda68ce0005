import { createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { CredentialUnavailableError, type TokenCredential } from "@azure/identity";
import type { SecretClient } from "@azure/keyvault-secrets";
import { createServices, type AppServices } from "../../src/app/composition";
import { StorageUnavailableError } from "../../src/service/storageUnavailable";
import { TenantAdminError } from "../../src/tenants/tenantAdmin";
import { createSecretClient } from "../../src/tenants/keyVaultClient";
import { KeyVaultCredentialStore } from "../../src/tenants/keyVaultCredentialStore";
import { EXIT_CODES } from "../../tools/cliCommand";
import { toCliError } from "../../tools/cliErrors";
import { main } from "../../tools/tenantCli";
import { useFakeKeyVault, type FakeKeyVault } from "../support/keyVaultServer";
import { createTestServices } from "../support/testServices";

/** AppServices whose credentials live in the (fake) vault, behind the real SecretClient. */
async function servicesWithVault(client: SecretClient): Promise<AppServices> {
  const tables = await createTestServices();
  return createServices(tables.config, {
    credentials: new KeyVaultCredentialStore(client, { timeoutMs: 5_000 }),
  });
}

async function cli(services: AppServices, keyVaultUri: string, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(
    argv,
    { services: () => Promise.resolve(services), env: { KEY_VAULT_URI: keyVaultUri } },
    { out: (text) => stdout.push(text), err: (text) => stderr.push(text) },
  );
  return { code, stdout, stderr };
}

describe("tenant CLI errors from Azure: one line naming the cause and the fix", () => {
  const fakeVault = useFakeKeyVault();
  let vault: FakeKeyVault;
  beforeEach(() => {
    vault = fakeVault();
  });

  it("a Key Vault that refuses the identity (403) names the role it needs; exit 7", async () => {
    const services = await servicesWithVault(vault.client());
    await services.tenants.create("kv-forbidden");
    vault.failAlways(403);

    const run = await cli(services, vault.url, "tokens", "kv-forbidden");
    expect(run.code).toBe(EXIT_CODES.permission);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toEqual([
      `Your Azure identity may not use Key Vault ${vault.url} (403 Forbidden). Grant it the role 'Key Vault Secrets Officer' on the vault (az role assignment create --role "Key Vault Secrets Officer" --assignee <you> --scope <its resource id>), wait a few minutes, then run the command again.`,
    ]);
    const json = await cli(services, vault.url, "tokens", "kv-forbidden", "--json");
    expect(JSON.parse(json.stderr[0] ?? "")).toMatchObject({ error: { class: "permission", exitCode: 7 } });
  });

  it("no Azure sign-in: says to run az login; exit 8", async () => {
    const noLogin: TokenCredential = {
      getToken: () =>
        Promise.reject(new CredentialUnavailableError("Please run 'az login' to set up an account")),
    };
    const client = createSecretClient(vault.url, noLogin, {
      tlsOptions: { ca: vault.ca },
      disableChallengeResourceVerification: true,
    });
    const services = await servicesWithVault(client);
    const run = await cli(services, vault.url, "create", "kv-login");
    expect(run.code).toBe(EXIT_CODES.login);
    expect(run.stderr).toEqual([
      "No Azure sign-in to reach storage and Key Vault with (CredentialUnavailableError). Run 'az login' (or 'azd auth login'), then run the command again.",
    ]);
  });

  it("a Key Vault that drops connections: not reachable, check KEY_VAULT_URI; exit 6", async () => {
    const services = await servicesWithVault(vault.client());
    await services.tenants.create("kv-drop");
    vault.failAlways("drop");
    const run = await cli(services, vault.url, "tokens", "kv-drop");
    expect(run.code).toBe(EXIT_CODES.unreachable);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(
      /^Key Vault https:\/\/127\.0\.0\.1:\d+ is not reachable \(.*\)\. Check KEY_VAULT_URI and your network\.$/,
    );
  });

  it("a refusal says its cause and, apart, its way out, which --json carries as the fix", () => {
    const error = toCliError(
      new TenantAdminError("Tenant 'acme' already exists; use 'rotate' for a new token.", "conflict"),
    );
    expect(error.errorClass).toBe("refused");
    expect(error.toJSON().error).toMatchObject({
      message: "Tenant 'acme' already exists.",
      fix: "Use 'rotate' for a new token.",
    });
    expect(error.line).toBe("Tenant 'acme' already exists. Use 'rotate' for a new token.");
  });

  it("a queue service that refuses the identity (403) names Storage Queue Data Contributor", () => {
    const sdkError = new RestError("This request is not authorized to perform this operation.", {
      statusCode: 403,
      code: "AuthorizationPermissionMismatch",
      request: createPipelineRequest({
        url: "https://scimdata.queue.core.windows.net/webhooks-fanout/messages",
      }),
    });
    const error = toCliError(new StorageUnavailableError(sdkError));
    expect(error.errorClass).toBe("permission");
    expect(error.line).toContain("may not use the storage at scimdata.queue.core.windows.net (403");
    expect(error.line).toContain(`Grant it the role 'Storage Queue Data Contributor' on the storage account`);
  });

  it("storage that refuses the identity (403) names Storage Table Data Contributor", () => {
    const sdkError = new RestError(
      "This request is not authorized to perform this operation using this permission.",
      {
        statusCode: 403,
        code: "AuthorizationPermissionMismatch",
        request: createPipelineRequest({ url: "https://scimdata.table.core.windows.net/scimTenants()" }),
      },
    );
    // As the stores throw it: the SDK's error as the cause of a StorageUnavailableError.
    const error = toCliError(new StorageUnavailableError(sdkError));
    expect(error.errorClass).toBe("permission");
    expect(error.line).toBe(
      `Your Azure identity may not use the storage at scimdata.table.core.windows.net (403 AuthorizationPermissionMismatch). Grant it the role 'Storage Table Data Contributor' on the storage account (az role assignment create --role "Storage Table Data Contributor" --assignee <you> --scope <its resource id>), wait a few minutes, then run the command again.`,
    );
    // The SDK's error, for --verbose.
    expect(error.cause).toBe(sdkError);
  });

  it("anything else: 'Unexpected error' with its first line only; exit 1", () => {
    const error = toCliError(new Error("socket closed\n    at internal/frame.js:1"));
    expect(error.exitCode).toBe(1);
    expect(error.line).toBe(
      "Unexpected error: socket closed. Run the command again with --verbose for the details.",
    );
  });
});
