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
bash hack/install-apiserver.sh >/dev/null   # provision (cached) before the clock of any test starts

results="${TEST_RESULTS_DIR:-$(mktemp -d)}"
mkdir -p "$results"
configuration="${CONFIGURATION:-Release}"

log "building ($configuration)"
dotnet build BackupOperator.sln -c "$configuration" -nologo -clp:ErrorsOnly

status=0
for project in tests/BackupOperator.Tests tests/BackupOperator.E2E; do
  name=$(basename "$project")
  log "running $name"
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    ${TEST_FILTER:+--filter "$TEST_FILTER"} || status=1
done

summarize_trx "$results"/*.trx
exit $status
