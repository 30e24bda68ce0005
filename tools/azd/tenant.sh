#!/bin/sh
# Runs the tenant CLI (npm run tenant) against the environment that `azd up` deployed: reads the storage,
# table, Key Vault and URL values from `azd env get-values` and signs in as you (az login / azd auth login,
# through DefaultAzureCredential). Usage: sh tools/azd/tenant.sh <tenant CLI arguments>, or
# npm run tenant:azure -- list
# POSIX sh: azd runs hooks with sh on Linux and macOS.
set -eu

cd "$(dirname "$0")/../.."

if ! values="$(azd env get-values)"; then
  echo "tools/azd: 'azd env get-values' failed: run 'azd up' (or 'azd env select <name>') first." >&2
  exit 1
fi

# KEY="value" lines; values azd writes are double-quoted and contain no newline.
azd_value() {
  printf '%s\n' "$values" | sed -n "s/^$1=\"\{0,1\}\(.*\)/\1/p" | sed 's/"$//' | head -n 1
}

missing=""
for name in STORAGE_TABLE_ENDPOINT TENANTS_TABLE RESOURCES_TABLE KEY_VAULT_URI SCIM_BASE_URL; do
  value="$(azd_value "$name")"
  if [ -z "$value" ]; then
    missing="$missing $name"
  else
    export "$name=$value"
  fi
done
if [ -n "$missing" ]; then
  echo "tools/azd: the azd environment has no$missing: run 'azd provision' first." >&2
  exit 1
fi

# A local Azurite connection string in the shell would win over the deployed storage: drop it.
unset STORAGE_CONNECTION_STRING

exec npm run --silent tenant -- "$@"
