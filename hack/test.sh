#!/usr/bin/env bash
# Runs every test: unit tests, then the end-to-end tests against a real kube-apiserver + etcd
# (provisioned and cached by hack/install-apiserver.sh) and the OCP simulator.
# Prints a closing line "N passed, N failed, N skipped". Exit code 0 only when nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

ensure_dotnet
ensure_tools
ensure_kubectl   # InstallTests render config/default with `kubectl kustomize`
ensure_lua       # ArgoHealthTests and ScheduleArgoHealthTests run config/argocd/*.lua
ensure_shells    # PluginConventionsTests load the zsh and fish completion scripts
bash hack/install-apiserver.sh >/dev/null   # provision (cached) before the clock of any test starts

results="${TEST_RESULTS_DIR:-$(mktemp -d)}"
mkdir -p "$results"
configuration="${CONFIGURATION:-Release}"

log "building ($configuration)"
dotnet build BackupOperator.sln -c "$configuration" -nologo -clp:ErrorsOnly

status=0
extra=()
run_tests() { # project [VAR=value...]
  local project="$1" name
  name=$(basename "$project")
  shift
  log "running $name"
  env "$@" dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    ${TEST_FILTER:+--filter "$TEST_FILTER"} || status=1
}

# The JIT build keeps the unit tests; the end-to-end suite runs against the NativeAOT binary (what
# the image ships), published outside the JIT build's bin/ and obj/ into artifacts/aot. AOT=0 runs
# it against the JIT build instead; a failed AOT publish counts as a failure and falls back to it.
run_tests tests/BackupOperator.Tests
binary=""
if [[ "${AOT:-1}" != 0 ]]; then
  log "publishing the NativeAOT operator"
  started=$SECONDS
  if publish_aot src/Operator "$PWD/artifacts/aot" "$configuration" failpoints; then
    binary=$PWD/artifacts/aot/BackupOperator
    log "NativeAOT publish: $((SECONDS - started)) s; the end-to-end suite runs against $binary"
  else
    log "NativeAOT publish FAILED after $((SECONDS - started)) s: the end-to-end suite runs against the JIT build"
    binary=""
    status=1
    extra+=("$results/nativeaot-publish-failed.trx") # missing on purpose: counted as one failure
  fi
fi
run_tests tests/BackupOperator.E2E BACKUP_OPERATOR_BINARY="$binary"

summarize_trx "$results"/*.trx "${extra[@]}"
exit $status
