# Sourced by hack/install-apiserver.sh and hack/build-peer-go.sh: fetches Debian bookworm's
# `kubernetes` source package (1.20.2) with `apt-get source` from the Debian archive the system's
# apt configuration names, and unpacks it into "$1/tree" (only the top-level members named after
# it, if any), with the vendored reflect2 1.0.1 (it crashes on Go >= 1.18) replaced by Debian's
# 1.0.2. Needs dpkg-dev and golang-github-modern-go-reflect2-dev, and a `log` function.
fetch_k8s_source() {
  local work=$1; shift
  rm -rf "$work"; mkdir -p "$work/sources" "$work/lists/partial" "$work/archives"
  # The Debian archive URI as the system's own apt configuration names it.
  local uri
  uri=$( (grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null || true) | sed -n 1p | tr -d ' ')
  uri=${uri:-http://deb.debian.org/debian}
  cat > "$work/sources/src.sources" <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  local opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/sources" -o "Dir::State::Lists=$work/lists")
  log "fetching the kubernetes source package"
  apt-get "${opts[@]}" update -qq >&2
  (cd "$work" && apt-get "${opts[@]}" source --download-only kubernetes >&2)
  local tarball top members=()
  tarball=$(ls "$work"/kubernetes_*.orig.tar.* | head -n1)
  top=$(tar -tf "$tarball" | sed -n 1p | cut -d/ -f1) # sed reads it all: no SIGPIPE under pipefail
  for m in "$@"; do members+=("$top/$m"); done
  mkdir -p "$work/tree"
  tar -xf "$tarball" -C "$work/tree" --strip-components=1 "${members[@]}"
  rm -f "$work"/kubernetes_*
  local tree="$work/tree"
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  mkdir -p "$tree/vendor/github.com/modern-go/reflect2"
  (cd /usr/share/gocode/src/github.com/modern-go/reflect2 && tar -cf - --exclude=go.mod --exclude=go.sum .) \
    | tar -xf - -C "$tree/vendor/github.com/modern-go/reflect2"
}
