#!/usr/bin/env bash
# Compile and lint the infrastructure offline. Fails on ANY diagnostic, warnings and infos included:
# `bicep build` and `bicep lint` exit 0 when they only print warnings, so their output is checked too.
# Linter levels live in infra/bicepconfig.json (every rule is an error, one documented exception).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo_root}"

bicep="$(bash tools/bicep/install.sh)"
main="infra/main.bicep"
out="$(mktemp)"
trap 'rm -f "${out}"' EXIT

status=0
run() {
  echo "+ bicep $*"
  if ! "${bicep}" "$@" >/dev/null 2>"${out}"; then
    status=1
  fi
  if [[ -s "${out}" ]]; then
    cat "${out}"
    status=1
  fi
}

# --stdout: the compiled ARM JSON is only checked, never written next to the sources.
run build "${main}" --stdout
run lint "${main}"

if [[ "${status}" -ne 0 ]]; then
  echo "bicep check: FAILED (diagnostics above)" >&2
  exit 1
fi
echo "bicep check: OK ($("${bicep}" --version))"
