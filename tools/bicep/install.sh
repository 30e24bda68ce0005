#!/usr/bin/env bash
# Restore the Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (which ships the `bicep`
# binary) into the git-ignored folder .tools/, using a throwaway project's PackageDownload. Needs only the
# .NET SDK and the NuGet feed configured on this machine. Idempotent: does nothing when the binary is present.
# Prints the absolute path of the binary on stdout (everything else goes to stderr).
set -euo pipefail

BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
PACKAGE="Azure.Bicep.CommandLine.linux-x64"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="${repo_root}/.tools"
install_dir="${tools_dir}/bicep/${BICEP_VERSION}"
bin="${install_dir}/bicep"

if [[ -x "${bin}" ]]; then
  echo "${bin}"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    echo "install.sh: only linux-x64 is handled (package ${PACKAGE}); got $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || {
  echo "install.sh: the .NET SDK (dotnet) is required" >&2
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
packages="${work}/packages"

# A project that builds nothing: PackageDownload fetches the package as-is (no dependency graph, no assets).
cat >"${work}/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(dotnet --version | cut -d. -f1,2)</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="${PACKAGE}" Version="[${BICEP_VERSION}]" />
  </ItemGroup>
</Project>
XML

echo "install.sh: restoring ${PACKAGE} ${BICEP_VERSION}" >&2
dotnet restore "${work}/restore.csproj" --packages "${packages}" --nologo -v quiet >&2

pkg_dir="${packages}/$(echo "${PACKAGE}" | tr '[:upper:]' '[:lower:]')/${BICEP_VERSION}"
found="$(find "${pkg_dir}" -type f -name bicep | head -n 1)"
if [[ -z "${found}" ]]; then
  echo "install.sh: no 'bicep' binary inside ${pkg_dir}" >&2
  exit 1
fi

mkdir -p "${install_dir}"
cp "${found}" "${bin}.tmp"
chmod +x "${bin}.tmp"
mv "${bin}.tmp" "${bin}"
"${bin}" --version >&2
echo "${bin}"
