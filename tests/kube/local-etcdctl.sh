#!/usr/bin/env bash
# etcdctl against the local cluster's etcd, which serves client TLS on 127.0.0.1:2379 inside
# node 1's network namespace (environments/local/lib/control-plane.sh: etcd_start), with the
# API server's etcd client certificate. For tests that must act on etcd itself (compaction).
#
#   local-etcdctl.sh [--state-dir DIR] ETCDCTL-ARGS...
#
# etcdctl: $RA2CERT_ETCDCTL, else the one on PATH, else the newest ~/.cache/ra2cert/etcd-*/bin.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$(cd "$HERE/../../environments/local/lib" && pwd)

STATE=$(cat /run/ra2cert-local-cluster 2>/dev/null || echo /var/lib/ra2cert/local)
if [[ ${1:-} == --state-dir ]]; then STATE=${2:?}; shift 2; fi
STATE=${STATE%/}
source "$LIB/common.sh"
[[ -f "$STATE/cluster.env" ]] || die "no local cluster in $STATE"
ETCDCTL=${RA2CERT_ETCDCTL:-$(command -v etcdctl || newest_cache_bin etcd etcdctl)}
[[ -n "$ETCDCTL" ]] || die "no etcdctl (apt-get install etcd-client, or set RA2CERT_ETCDCTL)"
exec ip netns exec "$(node_name 1)" env ETCDCTL_API=3 "$ETCDCTL" --endpoints https://127.0.0.1:2379 \
  --cacert "$PKI/ca.crt" --cert "$PKI/apiserver-etcd-client.crt" --key "$PKI/apiserver-etcd-client.key" "$@"
