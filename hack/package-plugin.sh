#!/usr/bin/env bash
# hack/package-plugin.sh OUTDIR: publishes kubectl-ocp (NativeAOT, linux/amd64) and packs it for krew:
#   OUTDIR/kubectl-ocp_linux_amd64.tar.gz   kubectl-ocp, kubectl_complete-ocp, README.md
#   OUTDIR/ocp.yaml                          plugins/krew/ocp.yaml with the version, the archive's URI and its sha256
# VERSION (default v0.1.0) and BASE_URL (where the archive will be downloaded from) fill in the manifest.
# KUBECTL_OCP_BINARY=FILE packs FILE instead of publishing (the unit test packs a stand-in this way).
set -euo pipefail
out=${1:?usage: hack/package-plugin.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
version=${VERSION:-v0.1.0}
base=${BASE_URL:-https://github.com/oceanbase/backup-operator/releases/download/$version}
archive=kubectl-ocp_linux_amd64.tar.gz
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

if [[ -n ${KUBECTL_OCP_BINARY:-} ]]; then
  cp "$KUBECTL_OCP_BINARY" "$stage/kubectl-ocp"
else
  dotnet publish "$root/src/KubectlPlugin" -c Release -nologo -o "$stage/publish" -p:Version="${version#v}"
  cp "$stage/publish/kubectl-ocp" "$stage/kubectl-ocp"
fi
cp "$root/plugins/krew/kubectl_complete-ocp" "$root/README.md" "$stage/"
chmod 755 "$stage/kubectl-ocp" "$stage/kubectl_complete-ocp"
chmod 644 "$stage/README.md"

# The same inputs give the same bytes (no owner, no times), so the sha256 identifies the content.
tar -C "$stage" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - kubectl-ocp kubectl_complete-ocp README.md | gzip -n -9 > "$out/$archive"
sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)
sed -e "s|{{VERSION}}|$version|" -e "s|{{URI}}|$base/$archive|" -e "s|{{SHA256}}|$sha|" "$root/plugins/krew/ocp.yaml" > "$out/ocp.yaml"
echo "$out/$archive sha256 $sha"
echo "$out/ocp.yaml"
