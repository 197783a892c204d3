#!/usr/bin/env bash
# NativeAOT start-up and idle memory, side by side: the operator as shipped (no failpoints;
# artifacts/aot-bench/BackupOperator) and
# the minimal AOT list+watch host (artifacts/minimal-aot/MinimalAotHost), against a real API server
# with the CRDs installed and no objects. RUNS interleaved runs each (default 5); prints the median
# start → ready (the operator: /readyz answers 200; the host: it prints READY), measured from outside
# the same way for both, and the idle RSS 5 s after ready.
# Usage: bench/aot-startup.sh   (publishes both first if they are missing; PUBLISH=1 forces it;
# AOT_OPERATOR and AOT_MINIMAL measure other builds of the two, e.g. to compare a change)
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
ensure_dotnet
ensure_kubectl
runs="${RUNS:-5}"

if [[ ${PUBLISH:-0} == 1 || ! -x artifacts/aot-bench/BackupOperator ]]; then
  log "publishing the NativeAOT operator"
  publish_aot src/Operator artifacts/aot-bench
fi
if [[ ${PUBLISH:-0} == 1 || ! -x artifacts/minimal-aot/MinimalAotHost ]]; then
  log "publishing the minimal NativeAOT host"
  publish_aot bench/MinimalAotHost artifacts/minimal-aot
fi

work=$(mktemp -d /tmp/backup-operator-aot-startup.XXXXXX)
cleanup() { [[ -f $work/pids ]] && kill $(cat "$work/pids") 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
bash hack/local-apiserver.sh "$work"
export KUBECONFIG=$work/admin.kubeconfig
kubectl apply -f config/crds -f config/rbac >/dev/null
kubectl wait --for condition=established --timeout=60s crd --all >/dev/null

python3 - "$runs" "${AOT_OPERATOR:-$PWD/artifacts/aot-bench/BackupOperator}" "${AOT_MINIMAL:-$PWD/artifacts/minimal-aot/MinimalAotHost}" <<'PY'
import os, socket, statistics, subprocess, sys, time, urllib.request
runs, operator, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

def run_operator():
    port = free_port()
    env = dict(os.environ, Http__Url=f"http://127.0.0.1:{port}/", LeaderElection__Identity=f"bench-{port}")
    start = time.monotonic()
    p = subprocess.Popen([operator], cwd=os.path.dirname(operator), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                    break
            except OSError:
                pass
            if p.poll() is not None or time.monotonic() - start > 60:
                raise SystemExit("the operator did not become ready")
            time.sleep(0.005)
        ready = (time.monotonic() - start) * 1000
        time.sleep(5)
        return ready, rss_mb(p.pid)
    finally:
        p.terminate(); p.wait(timeout=30)

def run_host():
    start = time.monotonic()
    p = subprocess.Popen([host], cwd=os.path.dirname(host), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in p.stdout:
            if line.startswith("READY"):
                break
        else:
            raise SystemExit("the minimal host ended without READY")
        ready = (time.monotonic() - start) * 1000
        time.sleep(5)
        return ready, rss_mb(p.pid)
    finally:
        p.terminate(); p.wait(timeout=30)

results = {"operator": [], "minimal": []}
for i in range(runs):
    results["operator"].append(run_operator())
    results["minimal"].append(run_host())
for name, rows in results.items():
    print(f"{name:9} start->ready ms {[round(r) for r, _ in rows]} median {statistics.median(r for r, _ in rows):.0f}; "
          f"idle RSS MB {[round(m, 1) for _, m in rows]} median {statistics.median(m for _, m in rows):.1f}")
op_r = statistics.median(r for r, _ in results["operator"]); mh_r = statistics.median(r for r, _ in results["minimal"])
op_m = statistics.median(m for _, m in results["operator"]); mh_m = statistics.median(m for _, m in results["minimal"])
print(f"ratios: start->ready {op_r / mh_r:.2f} x the minimal host (bar <= 1.2, and <= 200 ms); idle RSS {op_m / mh_m:.2f} x (bar <= 1.15, and <= 40 MB)")
PY
