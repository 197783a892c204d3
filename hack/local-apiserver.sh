#!/usr/bin/env bash
# Starts a real etcd + kube-apiserver on loopback for the demo (the e2e tests have their own C#
# fixture doing the same). Usage: hack/local-apiserver.sh DIR
# Writes DIR/admin.kubeconfig, DIR/pids (one pid a line) and waits for /readyz.
# Stop with: kill $(cat DIR/pids)
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$(dirname "$0")/.."
bin=$(bash hack/install-apiserver.sh | tail -n1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

echo "$token,admin,admin-uid,\"system:masters\"" > "$dir/tokens.csv"
openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null

"$bin/etcd" --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" --unsafe-no-fsync >"$dir/etcd.log" 2>&1 &
echo $! >> "$dir/pids"

"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" --cert-dir="$dir/certs" \
  --service-cluster-ip-range=10.0.0.0/24 --token-auth-file="$dir/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$dir/sa.pub" --service-account-signing-key-file="$dir/sa.key" \
  --disable-admission-plugins=ServiceAccount >"$dir/kube-apiserver.log" 2>&1 &
echo $! >> "$dir/pids"

write_kubeconfig() { # path token
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$api_port
    insecure-skip-tls-verify: true
users:
- name: user
  user:
    token: $2
contexts:
- name: local
  context: {cluster: local, user: user}
current-context: local
KC
}
write_kubeconfig "$dir/admin.kubeconfig" "$token"
echo "$api_port" > "$dir/port"

for _ in $(seq 1 150); do
  if curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" 2>/dev/null | grep -q ok; then
    echo "kube-apiserver ready on https://127.0.0.1:$api_port" >&2
    exit 0
  fi
  sleep 0.2
done
echo "kube-apiserver did not become ready; see $dir/kube-apiserver.log" >&2
exit 1
