import type { TokenCredential } from "@azure/identity";
import type { SecretClient, SecretClientOptions } from "@azure/keyvault-secrets";

/**
 * Key Vault calls sit on the request path only on a cache miss; fail fast and let the cache serve
 * what it knows rather than hold Entra's request through the SDK's default long back-off.
 */
const RETRY_OPTIONS: SecretClientOptions["retryOptions"] = {
  maxRetries: 2,
  retryDelayInMs: 250,
  maxRetryDelayInMs: 2000,
};

/**
 * A SecretClient for the vault, with the managed identity (DefaultAzureCredential reads
 * AZURE_CLIENT_ID) unless a credential is given. Both SDKs are loaded here, on first use, so a
 * deployment without a vault never pays for them at cold start.
 */
export function createSecretClient(
  vaultUri: string,
  credential?: TokenCredential,
  options: SecretClientOptions = {},
): SecretClient {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SecretClient: Client } =
    require("@azure/keyvault-secrets") as typeof import("@azure/keyvault-secrets");
  const tokenCredential =
    credential ??
    new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new Client(vaultUri, tokenCredential, { retryOptions: RETRY_OPTIONS, ...options });
}
