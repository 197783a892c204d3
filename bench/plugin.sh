#!/usr/bin/env bash
# The plugin bench (not a timed test): `kubectl-ocp backup list -n NS` (the published NativeAOT
# file) against `kubectl get cbn -n NS`, same kubeconfig, same real kube-apiserver + etcd
# (hack/local-apiserver.sh), the CRDs applied and BENCH_BACKUPS (50) backups present. Runs one
# warm-up pair, then BENCH_RUNS (10) interleaved pairs, and prints each median, the ratio
# plugin/kubectl and the published file's size. Stops every process it started by pid, also on
# failure. Results: bench/README.md, "kubectl ocp".
#   bench/plugin.sh                       publishes src/KubectlPlugin to a temporary directory first
#   KUBECTL_OCP=/tmp/p/kubectl-ocp bench/plugin.sh   uses an already published file
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

runs=${BENCH_RUNS:-10}
count=${BENCH_BACKUPS:-50}
ns=bench
dir=$(mktemp -d -t kubectl-ocp-bench-XXXXXX)
stop() {
  if [[ -f "$dir/api/pids" ]]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$dir/api/pids"
    while read -r pid; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done < "$dir/api/pids"
  fi
  rm -rf "$dir"
}
trap stop EXIT

ensure_dotnet
ensure_tools
ensure_kubectl
plugin=${KUBECTL_OCP:-}
if [[ -z "$plugin" ]]; then
  log "publishing the plugin (dotnet publish src/KubectlPlugin -c Release)"
  dotnet publish src/KubectlPlugin -c Release -o "$dir/publish" -nologo -clp:ErrorsOnly >&2
  plugin="$dir/publish/kubectl-ocp"
fi

log "starting kube-apiserver + etcd"
bash hack/local-apiserver.sh "$dir/api"
export KUBECONFIG="$dir/api/admin.kubeconfig"
# --validate=false: kubectl knows fields (x-kubernetes-validations) the 1.20 API server drops, as hack/demo.sh does.
kubectl apply --validate=false -f config/crds/ocp.oceanbase.com_clusterbackupnows.yaml >/dev/null
kubectl wait --for condition=Established --timeout=60s crd/clusterbackupnows.ocp.oceanbase.com >/dev/null
kubectl create namespace "$ns" >/dev/null
log "creating $count backups in namespace $ns"
for i in $(seq 1 "$count"); do
  cat <<YAML
---
apiVersion: ocp.oceanbase.com/v1alpha1
kind: ClusterBackupNow
metadata: {name: bench-$i, namespace: $ns}
spec:
  clusterId: $((9000 + i))
  backupMode: PHYSICAL_BACKUP
  dataBackupMode: FULL_BACKUP
  ocpSecretRef: {name: ocp-credentials}
  obBackupServiceStorageConfig:
    alarmStoragePercentageThreshold: 95
    configName: nfs-main
    serviceName: ob-backup
    storageId: 26
    obBackupStorageBaseInfo: {backupStorageType: BACKUP_STORAGE_FILE, storageUrl: /obbackup/}
YAML
done | kubectl apply -f - >/dev/null

# One run's wall time in ms; fails the bench when the command fails or misses the backups.
timed() {
  local start end out
  start=$(date +%s%N)
  out=$("$@" 2>&1) || { echo "error: $* failed: $out" >&2; return 1; }
  end=$(date +%s%N)
  [[ $(grep -c '^bench-' <<<"$out") -eq $count ]] || { echo "error: $* did not list $count backups" >&2; return 1; }
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

log "warm-up, then $runs interleaved pairs"
timed "$plugin" backup list -n "$ns" >/dev/null
timed kubectl get cbn -n "$ns" >/dev/null
: > "$dir/plugin.ms"; : > "$dir/kubectl.ms"
for _ in $(seq 1 "$runs"); do
  timed "$plugin" backup list -n "$ns" >> "$dir/plugin.ms"
  timed kubectl get cbn -n "$ns" >> "$dir/kubectl.ms"
done
p=$(median < "$dir/plugin.ms"); k=$(median < "$dir/kubectl.ms")
size=$(stat -c %s "$plugin")
echo "kubectl-ocp backup list -n $ns: median ${p} ms over $runs runs ($(tr '\n' ' ' < "$dir/plugin.ms"| sed 's/ $//'))"
echo "kubectl get cbn -n $ns:        median ${k} ms over $runs runs ($(tr '\n' ' ' < "$dir/kubectl.ms" | sed 's/ $//'))"
echo "ratio plugin/kubectl: $(awk -v p="$p" -v k="$k" 'BEGIN {printf "%.2f", p / k}')"
echo "published file: $plugin, $size bytes ($(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1048576}') MiB); kubectl $(kubectl version --client 2>/dev/null | head -n1)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
