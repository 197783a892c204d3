#!/usr/bin/env bash
# Builds bench/peer-go, the client-go controller the bench compares the operator with (issue 25),
# offline: against the client-go that Kubernetes 1.20.2 vendors. The source tree is Debian
# bookworm's `kubernetes` source package, fetched once as hack/install-apiserver.sh does and kept in
# ~/.cache/backup-operator/k8s-src-1.20.2 (tree/: only its vendor/, staging/ and go.mod, about 150 MB). The binary
# is cached by the hash of bench/peer-go's sources and of the Go version:
# ~/.cache/backup-operator/peer-go/<hash>/peer-go. Idempotent; prints the binary's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache="${BACKUP_OPERATOR_CACHE:-$HOME/.cache/backup-operator}"
src="$cache/k8s-src-1.20.2"
log() { echo "build-peer-go: $*" >&2; }
source hack/k8s-source.sh

sudo_() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
need_pkg() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  sudo_ apt-get update -qq >&2
  log "installing ${missing[*]}"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
need_pkg golang-go golang-github-modern-go-reflect2-dev dpkg-dev

# 1. The Kubernetes source tree (vendor/, staging/, go.mod), once.
if [[ ! -f "$src/tree/.complete" ]]; then
  # vendor/k8s.io/{api,apimachinery,client-go,...} are links into staging/src/k8s.io.
  fetch_k8s_source "$src" vendor staging go.mod
  touch "$src/tree/.complete"
fi

# 2. The peer, built in GOPATH mode with the tree's vendor/ as its vendor directory.
hash=$( (go version; cd bench/peer-go && cat $(ls *.go | sort)) | sha256sum | cut -c1-16)
out="$cache/peer-go/$hash"
if [[ ! -x "$out/peer-go" ]]; then
  gopath="$src/gopath"
  pkg="$gopath/src/backupoperator/peergo"
  rm -rf "$gopath/src/backupoperator"; mkdir -p "$pkg"
  cp "$repo"/bench/peer-go/*.go "$pkg/"
  ln -sfn "$src/tree/vendor" "$pkg/vendor"
  log "building peer-go ($hash)"
  mkdir -p "$out"
  (cd "$pkg" && GOPATH="$gopath" GO111MODULE=off GOFLAGS= CGO_ENABLED=0 GOCACHE="$cache/peer-go/gocache" \
     go build -trimpath -o "$out/peer-go.tmp" .) || { log "build failed"; rm -rf "$out"; exit 1; }
  mv "$out/peer-go.tmp" "$out/peer-go"
fi
echo "$out/peer-go"
