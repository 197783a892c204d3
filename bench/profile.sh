#!/usr/bin/env bash
# Where the NativeAOT operator's CPU goes: runs bench/run.sh (throughput only unless BENCH_PHASES says
# otherwise) and records the AOT operator with perf from its start to its stop, then prints the top frames.
#   bench/profile.sh [OUT]        OUT: directory for perf.data, the bench log and the report (default /tmp/backup-operator-profile)
# The operator's samples cover its whole life in the run (warm-up, N backups, the event queue draining).
# Read the shares, not the counts: the machine is shared. Needs perf (linux-perf); see bench/README.md, issue 25 session 17.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

out=${1:-/tmp/backup-operator-profile}
mkdir -p "$out"
command -v perf >/dev/null || { echo "error: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
operator="$PWD/artifacts/aot-bench/BackupOperator"

BENCH_PHASES=${BENCH_PHASES:-throughput} BENCH_SIZES=${BENCH_SIZES:-1000} BENCH_OCP_DELAYS_MS=${BENCH_OCP_DELAYS_MS:-0} \
  BENCH_FLOOR_WORKERS=${BENCH_FLOOR_WORKERS:-8} BENCH_AOT=1 bench/run.sh >"$out/bench.log" 2>&1 &
bench=$!
recorder=""
stop() {
  [[ -n "$recorder" ]] && kill -INT "$recorder" 2>/dev/null && wait "$recorder" || true
  kill "$bench" 2>/dev/null || true
}
trap stop EXIT

log "bench running (log: $out/bench.log); waiting for the AOT operator"
pid=""
while kill -0 "$bench" 2>/dev/null; do
  pid=$(pgrep -f "^$operator( |\$)" | head -n1 || true)
  [[ -n "$pid" ]] && break
  sleep 0.5
done
[[ -n "$pid" ]] || { echo "error: the bench ended before the AOT operator started; see $out/bench.log" >&2; exit 1; }
log "recording operator pid $pid"
perf record -F 999 -g -p "$pid" -o "$out/perf.data" >"$out/perf.log" 2>&1 &
recorder=$!
bench_rc=0
wait "$bench" || bench_rc=$?
kill -INT "$recorder" 2>/dev/null || true
wait "$recorder" || true
recorder=""
trap - EXIT
grep -E "^N=.*AOT" "$out/bench.log" || true
perf report -i "$out/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -n 40 | tee "$out/report.txt"
echo "full report: perf report -i $out/perf.data --children --sort symbol" >&2
exit "$bench_rc"
