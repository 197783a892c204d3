#!/usr/bin/env bash
# The whole mission on one machine: a real kube-apiserver + etcd, the OCP simulator, the operator
# (running with exactly the permissions of config/rbac) and a sample backup, ending with its status.
# Everything started here is stopped by pid when the script ends, also on failure or Ctrl-C.
# BACKUP_OPERATOR_BINARY=artifacts/aot/BackupOperator runs the NativeAOT build instead of the JIT one.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
ensure_dotnet
ensure_tools
ensure_kubectl

work=$(mktemp -d /tmp/backup-operator-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $work/pids ]] && kill $(cat "$work/pids") 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

log "building"
dotnet build BackupOperator.sln -c Release -nologo -clp:ErrorsOnly >&2

log "starting a local kube-apiserver + etcd"
bash hack/local-apiserver.sh "$work"
export KUBECONFIG=$work/admin.kubeconfig

log "starting the OCP simulator"
dotnet tools/OcpSimulator/bin/Release/net10.0/OcpSimulator.dll --urls http://127.0.0.1:0 \
  --port-file "$work/ocp.url" --Simulator:Users=backup-bot:demo-password --Simulator:TaskDurationMs=5000 \
  >"$work/ocp-simulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [[ -s $work/ocp.url ]] && break; sleep 0.2; done
ocp_url=$(cat "$work/ocp.url")

log "installing the CRD and RBAC (kubectl apply -f config/crds -f config/rbac)"
# --validate=false: kubectl checks a CRD against the server's schema, and before 1.25 that schema has no x-kubernetes-validations (the server drops it).
kubectl apply --validate=false -f config/crds >&2
kubectl apply -f config/rbac >&2
kubectl wait --for condition=established --timeout=60s crd/clusterbackupnows.ocp.oceanbase.com crd/clusterocpconnections.ocp.oceanbase.com crd/clusterbackupschedules.ocp.oceanbase.com >&2
kubectl create namespace db >&2

log "granting namespace db the OCP connection db-team (config/samples/ocp.oceanbase.com_v1alpha1_clusterocpconnection.yaml)"
# The administrator's side: credentials in the credentials namespace (the operator's own, the only
# one where config/rbac lets it read Secrets), and a ClusterOcpConnection that says who may back up
# which OCP clusters with them (see docs/access.md).
kubectl -n backup-operator-system create secret generic ocp-db-team \
  --from-literal=username=backup-bot --from-literal=password=demo-password >&2
sed "s|url: https://ocp.example.com:8080|url: $ocp_url|" config/samples/ocp.oceanbase.com_v1alpha1_clusterocpconnection.yaml \
  | kubectl apply -f - >&2

log "starting the operator as ServiceAccount backup-operator-system/backup-operator"
sa_token=$(kubectl -n backup-operator-system create token backup-operator --duration=2h)
sed "s/token: .*/token: $sa_token/" "$work/admin.kubeconfig" > "$work/operator.kubeconfig"
KUBECONFIG=$work/operator.kubeconfig Http__Url=http://127.0.0.1:$(free_port)/ \
  LeaderElection__LeaseNamespace=backup-operator-system Backup__PollInterval=00:00:01 \
  ${BACKUP_OPERATOR_BINARY:-dotnet src/Operator/bin/Release/net10.0/BackupOperator.dll} >"$work/operator.log" 2>&1 &
pids+=($!)

log "the team's side: ServiceAccount db/ci may request backups in db (ClusterRole clusterbackupnow-editor), nothing else"
kubectl -n db create serviceaccount ci >&2
kubectl -n db create rolebinding ci-requests-backups --clusterrole=clusterbackupnow-editor --serviceaccount=db:ci >&2
team_token=$(kubectl -n db create token ci --duration=2h)
sed "s/token: .*/token: $team_token/" "$work/admin.kubeconfig" > "$work/team.kubeconfig"
team() { KUBECONFIG=$work/team.kubeconfig kubectl "$@"; }
echo "\$ kubectl auth can-i get secrets -n db   # as the team's ServiceAccount: $(team auth can-i get secrets -n db || true)" >&2

log "the team applies the sample backup (config/samples/ocp.oceanbase.com_v1alpha1_clusterbackupnow.yaml)"
team -n db apply -f config/samples/ocp.oceanbase.com_v1alpha1_clusterbackupnow.yaml >&2

phase=""
for _ in $(seq 1 120); do
  phase=$(kubectl -n db get cbn nightly-1 -o jsonpath='{.status.phase}' 2>/dev/null || true)
  if [[ $phase == Running && -z ${shown_running:-} ]]; then
    echo; echo "\$ kubectl get cbn -n db"; kubectl get cbn -n db; shown_running=1
  fi
  [[ $phase == Succeeded || $phase == Failed ]] && break
  sleep 0.5
done

log "the team applies the sample schedule (config/samples/ocp.oceanbase.com_v1alpha1_clusterbackupschedule.yaml: FULL nightly, INCREMENTAL hourly)"
team -n db apply -f config/samples/ocp.oceanbase.com_v1alpha1_clusterbackupschedule.yaml >&2
log "the team asks the schedule for one FULL backup now: kubectl annotate cbs nightly ocp.oceanbase.com/run-now=<token>"
team -n db annotate cbs nightly "ocp.oceanbase.com/run-now=demo-$(date +%s)" --overwrite >&2
scheduled=""
for _ in $(seq 1 120); do
  scheduled=$(kubectl -n db get cbn -l ocp.oceanbase.com/schedule=nightly -o jsonpath='{.items[*].status.phase}' 2>/dev/null || true)
  [[ $scheduled == Succeeded || $scheduled == Failed ]] && break
  sleep 0.5
done

echo; echo "\$ kubectl describe cbn -n db nightly-1 | sed -n '/Events:/,\$p'"
kubectl describe cbn -n db nightly-1 | sed -n '/Events:/,$p'
echo; echo "\$ kubectl get cbn -n db nightly-1 -o jsonpath='{.status}'"
kubectl -n db get cbn nightly-1 -o jsonpath='{.status}' | python3 -m json.tool
echo; echo "\$ kubectl get cbn -n db"
kubectl get cbn -n db
echo; echo "\$ kubectl get cocp"
kubectl get cocp
echo; echo "\$ kubectl get cbs -n db -o wide"
kubectl get cbs -n db -o wide
echo; echo "\$ kubectl get cbn -n db -l ocp.oceanbase.com/schedule=nightly"
kubectl get cbn -n db -l ocp.oceanbase.com/schedule=nightly
[[ $scheduled == Succeeded ]] || { echo "the schedule's run-now backup ended in phase '$scheduled'; logs in $work" >&2; exit 1; }
[[ $phase == Succeeded ]] || { echo "demo backup ended in phase '$phase'; logs in $work" >&2; exit 1; }
