#!/bin/sh
# azd postdeploy hook: makes sure the deployed connector has a first tenant and prints what an Entra admin
# pastes into Provisioning > Admin Credentials (the seed tutorial's Step 2): the Tenant URL and, when the
# tenant is new, its Secret Token. Re-running keeps the existing tenant (its token is shown only at
# creation; `npm run tenant:azure -- rotate <name>` issues a new one).
#
# Tenant name: $SCIM_FIRST_TENANT, else the azd environment's SCIM_FIRST_TENANT, else "default".
# Role assignments made by `azd provision` can take minutes to apply, so a refused call is retried.
# POSIX sh (azd runs posix hooks with sh).
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
attempts="${SCIM_HOOK_ATTEMPTS:-8}"
pause="${SCIM_HOOK_RETRY_SECONDS:-20}"

name="${SCIM_FIRST_TENANT:-}"
if [ -z "$name" ]; then
  name="$(azd env get-values 2>/dev/null | sed -n 's/^SCIM_FIRST_TENANT="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' | head -n 1)"
fi
name="${name:-default}"

if ! printf '%s' "$name" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$'; then
  echo "first tenant: '$name' is not a tenant id (letters, digits, '-' and '_', at most 63)." >&2
  exit 1
fi

# A fresh clone has no node_modules when the hook runs before azd has restored the project.
if [ ! -d node_modules ] && [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund >/dev/null
fi

tenant() {
  sh "$here/tenant.sh" "$@"
}

# Exit 0 when the JSON list on stdin has a tenant with the id in $1.
has_tenant() {
  node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      const tenants = JSON.parse(text);
      process.exit(tenants.some((tenant) => tenant.tenantId === process.argv[1]) ? 0 : 1);
    });
  ' "$1"
}

attempt=1
while :; do
  if listing="$(tenant list --json)"; then
    if printf '%s' "$listing" | has_tenant "$name"; then
      base="$(azd env get-values | sed -n 's/^SCIM_BASE_URL="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' | head -n 1)"
      echo ""
      echo "Tenant '$name' already exists."
      echo "Tenant URL:   ${base%/}/$name"
      echo "Secret Token: shown only when it was created. For a new one:"
      echo "  npm run tenant:azure -- rotate $name"
      exit 0
    fi
    echo ""
    echo "Creating the first tenant '$name':"
    if tenant create "$name"; then
      exit 0
    fi
  fi
  if [ "$attempt" -ge "$attempts" ]; then
    echo "first tenant: gave up after $attempt attempts. Once your role assignments apply, run:" >&2
    echo "  npm run tenant:azure -- create $name" >&2
    exit 1
  fi
  echo "first tenant: not reachable yet (role assignments take a few minutes); retrying in ${pause}s." >&2
  attempt=$((attempt + 1))
  sleep "$pause"
done
