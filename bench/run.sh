#!/usr/bin/env bash
# The benchmark: operator vs the Kubernetes API server floor, memory and start-up vs a minimal
# list+watch host, on a real kube-apiserver + etcd (provisioned and cached like the tests') and
# the OCP simulator (at once, and 100 ms late), for the JIT and the NativeAOT build side by side
# (BENCH_AOT=0: JIT only). Prints a table; writes bench/results/latest.{json,md}.
#   bench/run.sh                              full run: N = 500, 1000; 1,000 active; 10,000 finished
#   BENCH_QUICK=1 BENCH_SIZES=20 bench/run.sh  tiny run (what CI does, through the e2e tests)
# Other knobs: BENCH_ACTIVE, BENCH_FINISHED, BENCH_STARTS, BENCH_WORKERS, BENCH_FLOOR_WORKERS,
# BENCH_OCP_DELAYS_MS, BENCH_CREATORS,
# BENCH_SETTLE_SECONDS, BENCH_OUT (JSON path), BENCH_PHASES (of start,throughput,active,history),
# BENCH_JIT=0 (the NativeAOT build alone), BENCH_PIN=1 (API server + etcd on core 0, the rest on the other cores), BENCH_PEER=1 (build the
# client-go peer bench/peer-go with hack/build-peer-go.sh and run it beside the operator, in
# alternating order, BENCH_PEER_FIRST=1 starting with the peer; or the path of a peer binary), BENCH_PEER_WORKERS,
# BENCH_HISTORY_ROUNDS, BENCH_APISERVER_PPROF=DIR (a Go CPU profile of the kube-apiserver over every timed throughput
# run, ours and the peer's, summarized by bench/apiserver-pprof.sh). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

ensure_dotnet
bash hack/install-apiserver.sh >/dev/null
log "building (Release)"
dotnet build BackupOperator.sln -c Release -nologo -clp:ErrorsOnly
if [[ "${BENCH_AOT:-1}" != 0 ]]; then
  # The NativeAOT column: the operator as the image ships it (no failpoints) and the minimal AOT host.
  log "publishing the NativeAOT operator and minimal host (incremental)"
  publish_aot src/Operator artifacts/aot-bench
  publish_aot bench/MinimalAotHost artifacts/minimal-aot
fi
if [[ "${BENCH_PEER:-}" == 1 ]]; then
  log "building the client-go peer (bench/peer-go)"
  BENCH_PEER=$(bash hack/build-peer-go.sh | tail -n1)
  export BENCH_PEER
fi
log "running the benchmark"
dotnet bench/BackupOperator.Bench/bin/Release/net10.0/BackupOperator.Bench.dll
if [[ -n "${BENCH_APISERVER_PPROF:-}" ]]; then
  log "kube-apiserver CPU profiles (merged, top functions, categories) in $BENCH_APISERVER_PPROF"
  bash bench/apiserver-pprof.sh "$BENCH_APISERVER_PPROF"
fi
