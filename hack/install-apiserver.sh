#!/usr/bin/env bash
# Provides a real kube-apiserver + etcd for the demo and the end-to-end tests.
# Prints the directory that holds both binaries on its last line.
#  - KUBEBUILDER_ASSETS set and holding kube-apiserver + etcd: used as it is.
#  - otherwise: etcd from Debian (etcd-server), kube-apiserver built once from Debian's
#    `kubernetes` source package (1.20.2) and cached in ~/.cache/backup-operator/.
set -euo pipefail

if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/kube-apiserver" && -x "$KUBEBUILDER_ASSETS/etcd" ]]; then
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

cache="${BACKUP_OPERATOR_CACHE:-$HOME/.cache/backup-operator}"
bin="$cache/k8s-1.20.2/bin"
mkdir -p "$bin"
log() { echo "install-apiserver: $*" >&2; }

sudo_() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
need_pkg() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if ((apt_updated == 0)); then sudo_ apt-get update -qq >&2; apt_updated=1; fi
  log "installing ${missing[*]}"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

if [[ ! -x "$bin/etcd" ]]; then
  need_pkg etcd-server
  ln -sf /usr/bin/etcd "$bin/etcd"
fi

if [[ ! -x "$bin/kube-apiserver" ]]; then
  need_pkg golang-go golang-github-modern-go-reflect2-dev dpkg-dev make rsync
  work="$cache/k8s-src"
  source "$(dirname "${BASH_SOURCE[0]}")/k8s-source.sh"
  fetch_k8s_source "$work"
  tree="$work/tree"
  mkdir -p "$tree/.gopath/src/k8s.io"
  ln -sfn "$tree" "$tree/.gopath/src/k8s.io/kubernetes"
  log "building kube-apiserver (7-12 minutes the first time)"
  (cd "$tree/.gopath/src/k8s.io/kubernetes" && GOPATH="$tree/.gopath" GO111MODULE=off GOFLAGS=-mod=vendor CGO_ENABLED=0 \
     make WHAT=cmd/kube-apiserver >&2) || { log "build failed"; exit 1; }
  cp "$tree/_output/bin/kube-apiserver" "$bin/kube-apiserver.tmp"
  mv "$bin/kube-apiserver.tmp" "$bin/kube-apiserver"
  rm -rf "$work"
fi
echo "$bin"
