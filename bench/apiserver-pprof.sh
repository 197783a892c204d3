#!/usr/bin/env bash
# Merges and summarizes the kube-apiserver CPU profiles that BENCH_APISERVER_PPROF=DIR bench/run.sh records
# (bench/BackupOperator.Bench/ApiServerProfile.cs: DIR/<label>/NNN.pb.gz, 1 s each, back to back over one
# timed run, and DIR/<label>/meta.txt). For each label it writes DIR/<label>.pprof (the merged profile, for
# `go tool pprof`) and DIR/<label>.txt (the top 25 functions by cumulative and by flat CPU), then prints, for
# every label side by side, the API server's CPU ms per backup and share in two groupings:
#   by kind of work: each sample goes to the category of its leaf-most frame that names one (generic frames
#     such as runtime, syscall, reflect, sync, strings are passed over, so an allocation or a write counts for
#     the JSON decoder, the etcd client ... that asked for it); GC/runtime is what has no such frame;
#   by request: the leaf-most handler on its stack (serving a watch, PATCH, POST, GET, ...), else the watch
#     cache's goroutines, GC, or the HTTP/TLS transport and filters;
#   and the PATCH handler's samples (the status writes) by kind of work.
#   bench/apiserver-pprof.sh DIR
set -euo pipefail
dir=${1:?usage: bench/apiserver-pprof.sh DIR}
go=${GO:-go}

# Reads `go tool pprof -traces` (leaf first) and prints "label<TAB>grouping<TAB>category<TAB>ms".
categorize() {
  awk -v label="$1" '
    function ms(v,   n, u) {
      n = v; sub(/[a-zµ]+$/, "", n); u = substr(v, length(n) + 1)
      return u == "s" ? n * 1000 : u == "ms" ? n : (u == "us" || u == "µs") ? n / 1000 : u == "ns" ? n / 1e6 : u == "m" ? n * 60000 : n
    }
    function kind(f) {
      if (f ~ /kube-openapi\/pkg\/validation|go-openapi|apiextensions-apiserver\/pkg\/apiserver\/(schema|validation)|customresource\.customResource(Strategy|Validator)|apiextensions-apiserver\/pkg\/registry\/customresource\/.*[Vv]alidat/) return "CRD schema: validation, pruning, defaulting"
      if (f ~ /fieldmanager|structured-merge-diff/) return "managedFields (fieldmanager, structured-merge-diff)"
      if (f ~ /evanphx\/json-patch|strategicpatch|jsonmergepatch/) return "patch apply (merge patch)"
      if (f ~ /pkg\/admission|plugin\/pkg\/admission/) return "admission"
      if (f ~ /pkg\/authentication|pkg\/authorization|plugin\/pkg\/auth|pkg\/serviceaccount|rbac|go-jose|authenticat|authoriz/) return "authn/authz/RBAC"
      if (f ~ /^k8s\.io\/.*[Cc]onver(t|sion)/) return "conversion"
      if (f ~ /DeepCopy/) return "deep copy"
      if (f ~ /k8s\.io\/api\/.*\.(Unmarshal|Marshal|MarshalToSizedBuffer|Size)$|gogo\/protobuf|golang\/protobuf|google\.golang\.org\/protobuf/) return "protobuf (core types: events, secrets, leases)"
      if (f ~ /^encoding\/json\.\(\*(decodeState|scanner)|^encoding\/json\.(Unmarshal|checkValid|unquote|state)|json-iterator.*(Iterator|[Dd]ecode|Unmarshal|Read)|sigs\.k8s\.io\/json|util\/json\.Unmarshal|UnmarshalJSON|serializer\/json\.\(\*Serializer\)\.Decode|[Dd]ecode/) return "JSON decode"
      if (f ~ /^encoding\/json\.(\(\*encodeState|Marshal|compact|Compact|HTMLEscape)|json-iterator.*(Stream|[Ee]ncode|Marshal|Write)|MarshalJSON|serializer\/json\.\(\*Serializer\)\.(Encode|doEncode)|[Ee]ncode/) return "JSON encode"
      if (f ~ /storage\/cacher|watchCache|cacheWatcher/) return "watch cache and fanout"
      if (f ~ /go\.etcd\.io|google\.golang\.org\/grpc|storage\/etcd3/) return "etcd client / gRPC"
      if (f ~ /^crypto\/tls|^net\/http|x\/net\/http2|^vendor\/golang\.org\/x\/net\/http2/) return "TLS/HTTP/HTTP2"
      return ""
    }
    function request(f) {
      if (f ~ /WatchServer|serveWatch/) return "serving watches (encode, write)"
      if (f ~ /PatchResource|patchResource|patcher/) return "PATCH"
      if (f ~ /createHandler|CreateResource|CreateNamedResource/) return "POST (create)"
      if (f ~ /getResourceHandler|GetResource/) return "GET"
      if (f ~ /ListResource/) return "LIST"
      if (f ~ /DeleteResource|DeleteCollection|deleteCollection/) return "DELETE"
      if (f ~ /UpdateResource|updateHandler/) return "PUT (update)"
      return ""
    }
    function transport(f) {
      if (f ~ /storage\/cacher|watchCache|cacheWatcher/) return "watch cache (etcd events in, fanout to watchers)"
      if (f ~ /storage\/etcd3\.\(\*watch/) return "etcd watch (decode into the cache)"
      if (f ~ /^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge|gcStart|forEachP|mcall|morestack|systemstack|mstart|sysmon)/) return "GC/runtime (background)"
      if (f ~ /apiserver\/pkg\/server\/filters|endpoints\/filters|x\/net\/http2|^net\/http|^crypto\/tls/) return "HTTP/TLS and filters, outside a handler"
      return ""
    }
    function flush(   i, k, r) {
      if (n == 0) return
      # Other API server frames pass too, up to the request handler or filter they are in.
      k = ""; other = ""
      for (i = 1; i <= n; i++) {
        if (stack[i] ~ /^(runtime|syscall|internal\/|reflect|sync|strings|bytes|strconv|sort|io|bufio|unicode|math|time|context|fmt|errors|container\/|encoding\/base64|compress|hash|crypto|vendor\/golang\.org\/x\/crypto|net)[.\/]/ && stack[i] !~ /^(crypto\/tls|net\/http)/) continue
        if ((k = kind(stack[i])) != "") break
        if (stack[i] ~ /^(k8s\.io|sigs\.k8s\.io)\//) { other = "other API server code"; if (stack[i] ~ /endpoints\/handlers|endpoints\/filters|server\/filters|apiserver\/pkg\/server\./) break }
      }
      for (i = 1; i <= n && stack[i] ~ /^runtime\./; i++) ;
      if (k == "") k = other != "" ? other : i > n ? "GC/runtime" : "other"
      # The handler is not the root: the filters run it in a goroutine of their own.
      r = ""; for (i = 1; i <= n && r == ""; i++) r = request(stack[i])
      for (i = n; i >= 1 && r == ""; i--) r = transport(stack[i])
      if (r == "") r = "other"
      printf "%s\tkind\t%s\t%.3f\n%s\trequest\t%s\t%.3f\n", label, k, value, label, r, value
      if (r == "PATCH") printf "%s\tpatch\t%s\t%.3f\n", label, k, value
      n = 0
    }
    /^-+\+-+$/ { flush(); next }
    {
      line = $0; sub(/ \(inline\)$/, "", line)
      if (match(line, /^ *[0-9.]+(ns|us|µs|ms|s|m|h) +/)) {
        flush(); split(line, parts, " "); value = ms(parts[1]); n = 1; stack[1] = parts[2]; next
      }
      if (n > 0 && line ~ /^ +[^ ]/) { sub(/^ +/, "", line); stack[++n] = line }
    }
    END { flush() }'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
backups=()
for meta in "$dir"/*/meta.txt; do
  [[ -e $meta ]] || { echo "no profiles in $dir (run with BENCH_APISERVER_PPROF=$dir)" >&2; exit 1; }
  run=$(dirname "$meta"); label=$(basename "$run")
  "$go" tool pprof -proto "$run"/*.pb.gz > "$dir/$label.pprof" 2>/dev/null
  {
    echo "$label: $(cat "$meta") (CPU below is for all these backups: divide by backups= for per backup)"
    echo; echo "== top 25 by cumulative"; "$go" tool pprof -top -cum -nodecount=25 "$dir/$label.pprof" 2>/dev/null
    echo; echo "== top 25 by flat"; "$go" tool pprof -top -nodecount=25 "$dir/$label.pprof" 2>/dev/null
  } > "$dir/$label.txt"
  "$go" tool pprof -traces "$dir/$label.pprof" 2>/dev/null | categorize "$label" >> "$tmp"
  backups+=("$label=$(sed -n 's/.*backups=\([0-9]*\).*/\1/p' "$meta")")
done

# One table per grouping: rows are categories, columns each label's ms per backup (share of its samples).
awk -F'\t' -v backups="${backups[*]}" '
  BEGIN { m = split(backups, b, " "); for (i = 1; i <= m; i++) { split(b[i], kv, "="); labels[i] = kv[1]; per[kv[1]] = kv[2] } }
  { ms[$2, $3, $1] += $4; total[$2, $1] += $4; if (!(($2, $3) in seen)) { seen[$2, $3] = 1; cats[$2] = cats[$2] "\t" $3 } }
  END {
    split("kind request patch", groups, " ")
    title["kind"] = "kind of work (leaf-most named frame)"; title["request"] = "request (the handler on the stack)"; title["patch"] = "kind of work, in the PATCH handler alone"
    for (g = 1; g <= 3; g++) {
      grp = groups[g]
      printf "\nkube-apiserver CPU ms per backup, by %s (share of the column'"'"'s samples)\n| %s |", title[grp], grp
      for (i = 1; i <= m; i++) printf " %s (%d backups) |", labels[i], per[labels[i]]
      printf "\n|---|"; for (i = 1; i <= m; i++) printf "---|"; printf "\n"
      nc = split(substr(cats[grp], 2), cs, "\t")
      # Sorted by the first label'"'"'s CPU, largest first.
      for (x = 1; x <= nc; x++) for (y = x + 1; y <= nc; y++) if (ms[grp, cs[y], labels[1]] > ms[grp, cs[x], labels[1]]) { t = cs[x]; cs[x] = cs[y]; cs[y] = t }
      for (x = 1; x <= nc; x++) {
        printf "| %s |", cs[x]
        for (i = 1; i <= m; i++) { l = labels[i]; printf " %.2f (%.1f %%) |", ms[grp, cs[x], l] / per[l], total[grp, l] ? 100 * ms[grp, cs[x], l] / total[grp, l] : 0 }
        printf "\n"
      }
      printf "| **total** |"; for (i = 1; i <= m; i++) printf " **%.2f** |", total[grp, labels[i]] / per[labels[i]]; printf "\n"
    }
  }' "$tmp"
