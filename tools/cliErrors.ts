import { TenantSchemaError } from "../src/scim/schema/tenantSchema";
import { StorageUnavailableError } from "../src/service/storageUnavailable";
import { TenantAdminError } from "../src/tenants/tenantAdmin";
import { CliError, usageError } from "./cliCommand";

/** Where the CLI was working, to name it in a message. */
export interface ErrorSetting {
  readonly command?: string;
  readonly keyVaultUri?: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "REQUEST_SEND_ERROR",
]);

const LOGIN_ERRORS = new Set([
  "CredentialUnavailableError",
  "AggregateAuthenticationError",
  "AuthenticationRequiredError",
]);

const KEY_VAULT_ROLE = "Key Vault Secrets Officer";
const STORAGE_ROLE = "Storage Table Data Contributor";
/** The webhook commands (replay, sweep) send to the account's queue service, which has its own role. */
const QUEUE_ROLE = "Storage Queue Data Contributor";

interface SdkError {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly request?: { readonly url?: unknown };
}

function isObject(value: unknown): value is SdkError {
  return typeof value === "object" && value !== null && "name" in value && "message" in value;
}

/** The error and its causes, outermost first (bounded: a cause cycle must not hang the CLI). */
function chain(error: unknown): SdkError[] {
  const errors: SdkError[] = [];
  for (let current: unknown = error; isObject(current) && errors.length < 10;) {
    errors.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return errors;
}

function hostOf(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function isKeyVault(error: SdkError, setting: ErrorSetting): boolean {
  const host = hostOf(error.request?.url);
  if (host === undefined) return false;
  return host === hostOf(setting.keyVaultUri) || host.endsWith(".vault.azure.net");
}

/**
 * Node words the same failure differently from run to run ("socket hang up" or "read ECONNRESET" for a peer that
 * closes the connection), so a code with a plain meaning is said in those words.
 */
const NETWORK_CAUSES: Record<string, string> = {
  ECONNRESET: "the connection was closed before an answer",
  ECONNREFUSED: "the connection was refused",
  ETIMEDOUT: "the connection timed out",
};

function networkCause(error: SdkError, code: string | undefined): string {
  const plain = code === undefined ? undefined : NETWORK_CAUSES[code];
  return plain ?? (firstLine(error.message) || code || "timeout");
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").trim();
}

function fromSdkError(error: SdkError, setting: ErrorSetting): CliError | undefined {
  const vault = isKeyVault(error, setting);
  const service = vault
    ? `Key Vault ${setting.keyVaultUri ?? hostOf(error.request?.url) ?? ""}`.trim()
    : `the storage at ${hostOf(error.request?.url) ?? "the configured endpoint"}`;
  const code = typeof error.code === "string" ? error.code : undefined;
  if (error.statusCode === 403) {
    const queue = !vault && (hostOf(error.request?.url) ?? "").includes(".queue.");
    const role = vault ? KEY_VAULT_ROLE : queue ? QUEUE_ROLE : STORAGE_ROLE;
    return new CliError(
      "permission",
      `Your Azure identity may not use ${service} (403${code ? ` ${code}` : ""}).`,
      `Grant it the role '${role}' on the ${vault ? "vault" : "storage account"} (az role assignment create --role "${role}" --assignee <you> --scope <its resource id>), wait a few minutes, then run the command again.`,
      { cause: error },
    );
  }
  if (error.statusCode === 401) {
    return new CliError(
      vault ? "login" : "permission",
      `${service} refused the credentials (401${code ? ` ${code}` : ""}).`,
      vault
        ? "Sign in again with 'az login' (or 'azd auth login')."
        : "Check the account key in STORAGE_CONNECTION_STRING, or sign in again with 'az login'.",
      { cause: error },
    );
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || error.name === "AbortError") {
    return new CliError(
      "unreachable",
      `${service.charAt(0).toUpperCase()}${service.slice(1)} is not reachable (${networkCause(error, code)}).`,
      vault
        ? "Check KEY_VAULT_URI and your network."
        : "Is the connector's storage running? Check STORAGE_CONNECTION_STRING / STORAGE_TABLE_ENDPOINT, or restart 'npm run dev'.",
      { cause: error },
    );
  }
  return undefined;
}

/** node:util parseArgs's errors; tested by code, as under jest they come from another realm. */
function isOptionError(error: unknown): error is Error {
  if (typeof error !== "object" || error === null) return false;
  const { code } = error as { code?: unknown };
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function fromAdminError(error: TenantAdminError, command: string | undefined): CliError {
  switch (error.reason) {
    case "notFound":
      return new CliError("notFound", error.message, "'npm run tenant -- list' shows the tenants.", {
        cause: error,
      });
    case "conflict": {
      // "X already exists; use 'rotate' …": the cause, then the way out as the fix (what --json's `fix` carries).
      const [cause = error.message, ...advice] = error.message.split("; ");
      const fix = advice.join("; ");
      return new CliError(
        "refused",
        fix === "" ? cause : `${cause}.`,
        fix === "" ? "" : `${fix.charAt(0).toUpperCase()}${fix.slice(1)}`,
        { cause: error },
      );
    }
    default:
      return usageError(error.message, command);
  }
}

/**
 * Turns anything a command threw into one CLI error: the class decides the exit code, the message
 * names the cause and the fix. SDK objects stay in `cause`, printed only with --verbose.
 */
export function toCliError(error: unknown, setting: ErrorSetting = {}): CliError {
  if (error instanceof CliError) return error;
  if (isOptionError(error)) {
    // Its first sentence: the rest is advice about positionals that start with '-'.
    const [sentence = ""] = error.message.split(/\.? (?=To specify)/);
    return usageError(`${sentence.replace(/\.$/, "")}.`, setting.command);
  }
  if (error instanceof TenantAdminError) return fromAdminError(error, setting.command);
  if (error instanceof TenantSchemaError)
    return new CliError("refused", firstLine(error.message), "", { cause: error });
  const errors = chain(error);
  const login = errors.find((item) => LOGIN_ERRORS.has(item.name));
  if (login) {
    return new CliError(
      "login",
      `No Azure sign-in to reach ${setting.keyVaultUri ? "storage and Key Vault" : "storage"} with (${login.name}).`,
      "Run 'az login' (or 'azd auth login'), then run the command again.",
      { cause: error },
    );
  }
  for (const item of errors) {
    const mapped = fromSdkError(item, setting);
    if (mapped) return mapped;
  }
  if (errors.some((item) => item instanceof StorageUnavailableError)) {
    return new CliError(
      "unreachable",
      "Storage or Key Vault did not answer as expected.",
      "Run the command again with --verbose for the cause.",
      { cause: error },
    );
  }
  const message = errors[0] ? firstLine(errors[0].message) : String(error);
  return new CliError(
    "internal",
    `Unexpected error: ${message}.`,
    "Run the command again with --verbose for the details.",
    {
      cause: error,
    },
  );
}
