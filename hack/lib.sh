#!/usr/bin/env bash
# Shared helpers for the hack/ scripts.

log() { echo "==> $*" >&2; }

# A TCP port on loopback that nothing listens on right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

sudo_() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# The .NET 10 SDK: present on the machines this project targets; installed from the
# distribution's packages (dotnet-sdk-10.0) where a package source offers it.
ensure_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks | grep -q '^10\.'; then
    return 0
  fi
  log "installing the .NET 10 SDK"
  sudo_ apt-get update -qq >&2 || true
  if ! sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dotnet-sdk-10.0 >&2; then
    echo "error: the .NET 10 SDK is required (https://dot.net); no package 'dotnet-sdk-10.0' is available here" >&2
    exit 1
  fi
}

# Small tools the scripts use; installed from Debian's packages when missing.
ensure_tools() { install_missing "" python3 openssl curl; }

# install_missing WHY CMD...: installs each CMD (a Debian package of that name) that is not on PATH.
install_missing() {
  local why=$1 missing=() cmd
  shift
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}${why:+ ($why)}"
  sudo_ apt-get update -qq >&2
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

ensure_kubectl() {
  if command -v kubectl >/dev/null 2>&1; then
    return 0
  fi
  log "installing kubectl (Debian package kubernetes-client)"
  sudo_ apt-get update -qq >&2
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >&2
}

# zsh and fish, for the E2E tests that load `kubectl ocp completion zsh|fish` in them.
ensure_shells() { install_missing "completion tests" zsh fish; }

# A Lua interpreter for the Argo CD health checks' tests (config/argocd/*.lua).
ensure_lua() {
  if command -v lua5.4 >/dev/null 2>&1 || command -v lua >/dev/null 2>&1; then
    return 0
  fi
  log "installing lua5.4"
  sudo_ apt-get update -qq >&2
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.4 >&2
}

# What NativeAOT's linker step needs (`dotnet publish -r linux-x64` of src/Operator): clang and zlib.
ensure_aot_toolchain() {
  local missing=()
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  [[ -e /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} (NativeAOT)"
  sudo_ apt-get update -qq >&2
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# Publishes project $1 (src/Operator, bench/MinimalAotHost) as NativeAOT into $2, built in bin/aot/
# and obj/aot/ so the JIT build's bin/ and obj/ are left alone. $3 is the configuration (Release);
# $4 = failpoints keeps the failpoints (the E2E kill matrix arms them), which a publish otherwise
# compiles out as the image does. Incremental: a second run with no change takes seconds.
publish_aot() {
  local project="$1" out="$2" configuration="${3:-Release}" flags=()
  if [[ ${4:-} == failpoints ]]; then
    flags+=(-p:Failpoints=true)
  fi
  ensure_aot_toolchain || return 1
  dotnet publish "$project" -c "$configuration" -r linux-x64 "${flags[@]}" \
    -p:IntermediateOutputPath=obj/aot/ -p:OutputPath=bin/aot/ -o "$out" -nologo -clp:ErrorsOnly >&2
}

# Adds up the counters of every .trx file given and prints "N passed, N failed, N skipped".
summarize_trx() {
  python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    except (ET.ParseError, FileNotFoundError):
        failed += 1
        print(f"unreadable test results: {path}", file=sys.stderr)
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}
