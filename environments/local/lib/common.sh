# Settings, paths and small helpers shared by cluster.sh and the other lib/*.sh files.
# Sourced, never run. Everything the cluster makes lives under $STATE, in the ra2cert-* network
# namespaces and links, in the RA2CERT-* iptables chains and under the cgroup /ra2cert.

: "${STATE:=/var/lib/ra2cert/local}"
: "${NODES:=2}"
: "${CACHE:=${RA2CERT_CACHE:-$HOME/.cache/ra2cert}}"
: "${K8S_VERSION:=v1.33.13}"

# Addresses: only inside the bridge and namespaces this script creates.
BRIDGE=ra2cert0
NET_PREFIX=10.250.0          # bridge network 10.250.0.0/24: host .1, node i .(10+i)
HOST_IP=$NET_PREFIX.1
CLUSTER_CIDR=10.244.0.0/16   # node i pods: 10.244.i.0/24
SERVICE_CIDR=10.96.0.0/16
KUBE_SVC_IP=10.96.0.1
DNS_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
APISERVER_PORT=6443
REGISTRY_PORT=5000
CG_TOP=ra2cert               # cgroup (every v1 hierarchy): /ra2cert/nodeN for kubelet, /ra2cert/daemons/*
NS_PREFIX=ra2cert-node       # network namespace and node name of node i: ra2cert-node<i>
VETH_PREFIX=ra2cert-n        # host end of node i's veth: ra2cert-n<i>
IPT_CHAIN=RA2CERT-FORWARD    # host filter chain, jumped to from FORWARD
LOCAL_REGION=ra2cert-local   # every node: topology.kubernetes.io/region and zone (one fault domain,
LOCAL_ZONE=ra2cert-local-a   # with its control plane and its workers: ra2.k8s.003/004)

node_name() { echo "$NS_PREFIX$1"; }
node_ip() { echo "$NET_PREFIX.$((10 + $1))"; }
pod_cidr() { echo "10.244.$1.0/24"; }
pod_gw() { echo "10.244.$1.1"; }
node_dir() { echo "$STATE/nodes/$(node_name "$1")"; }
APISERVER_IP=$(node_ip 1)
APISERVER_URL=https://$APISERVER_IP:$APISERVER_PORT

STATE_MARK=.ra2cert-local-state   # in $STATE: only such a directory is ever deleted
ACTIVE_MARKER=/run/ra2cert-local-cluster   # names the state dir of the cluster that is up
PKI=$STATE/pki
KCFG=$STATE/kubeconfig
LOGS=$STATE/logs
PIDS=$STATE/pids
ADMIN_KUBECONFIG=$KCFG/admin.kubeconfig

log() { printf '%s cluster: %s\n' "$(date +%T.%3N)" "$*" >&2; }
die() { printf 'cluster: error: %s\n' "$1" >&2; exit "${2:-3}"; }

# Every v1 hierarchy mounted under /sys/fs/cgroup (the machine is cgroup v1 / hybrid).
cgroup_hierarchies() {
  local d
  for d in /sys/fs/cgroup/*/; do
    d=${d%/}
    [[ -f "$d/cgroup.procs" && ! -L "$d" ]] && echo "$d"
  done
}

# cgroup_make PATH (relative, e.g. ra2cert/daemons/etcd): creates it in every hierarchy,
# filling cpuset.cpus/mems from the parent so that tasks can join.
cgroup_make() {
  local h part p
  for h in $(cgroup_hierarchies); do
    p=$h
    for part in ${1//\// }; do
      if [[ ! -d "$p/$part" ]]; then
        mkdir "$p/$part"
        if [[ -f "$p/$part/cpuset.cpus" ]]; then
          cat "$p/cpuset.cpus" >"$p/$part/cpuset.cpus"
          cat "$p/cpuset.mems" >"$p/$part/cpuset.mems"
        fi
      fi
      p=$p/$part
    done
  done
}

# cgroup_join PATH PID: moves PID into PATH in every hierarchy.
cgroup_join() {
  local h
  for h in $(cgroup_hierarchies); do
    [[ "$h" == */unified ]] && continue
    echo "$2" >"$h/$1/cgroup.procs"
  done
}

# run_daemon NAME NETNS CMD...: starts CMD in its own session, inside cgroup
# ra2cert/daemons/NAME and (when NETNS, a node's name, is not empty) network namespace NETNS
# and a UTS namespace whose hostname is NETNS, keeping the host's mount namespace so that
# kubelet and containerd see each other's mounts. Output goes to $LOGS/NAME.log, the pid to
# $PIDS/NAME.pid.
run_daemon() {
  local name=$1 ns=$2
  shift 2
  cgroup_make "$CG_TOP/daemons/$name"
  (
    cgroup_join "$CG_TOP/daemons/$name" "$BASHPID"
    if [[ -n "$ns" ]]; then
      # Its own UTS namespace with the node's name as hostname: what names its host (leader
      # lease holders, the API server's identity lease, hostNetwork pods) names the node, as
      # on a machine of its own.
      exec setsid nsenter --net="/run/netns/$ns" -- unshare --uts -- \
        sh -c 'echo "$0" >/proc/sys/kernel/hostname && exec "$@"' "$ns" "$@"
    else
      exec setsid "$@"
    fi
  ) >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

now() { echo "${EPOCHREALTIME/[,.]/}"; }                      # microseconds
secs_since() { local d=$(($(now) - $1)); printf '%d.%01d' $((d / 1000000)) $((d % 1000000 / 100000)); }

# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.1 s.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "timed out after ${limit}s waiting for $what"; return 1; }
    sleep 0.1
  done
}

# daemon_alive NAME: its pid file names a live process (not a zombie: our daemons end up
# children of PID 1, which need not reap them).
# daemon_why NAME: for an error message, whether the daemon exited or runs without answering,
# and the last lines of its log (CI shows the message, not the state dir that held the log).
daemon_why() {
  local state="still running but not answering"
  daemon_alive "$1" || state="exited"
  printf '%s %s; the end of %s:\n%s' "$1" "$state" "$LOGS/$1.log" \
    "$(tail -n 12 "$LOGS/$1.log" 2>/dev/null | cut -c1-400)"
}

daemon_alive() {
  local pid state
  pid=$(cat "$PIDS/$1.pid" 2>/dev/null) && [[ -n "$pid" ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" --cache-dir "$STATE/kubectl-cache" "$@"; }

# find_k8s_bin: --k8s-bin, else the cache entry for $K8S_VERSION, else the newest cache entry.
find_k8s_bin() {
  local d
  if [[ -n "${K8S_BIN:-}" ]]; then echo "$K8S_BIN"; return; fi
  if [[ -x "$CACHE/kubernetes-$K8S_VERSION/bin/kube-apiserver" ]]; then echo "$CACHE/kubernetes-$K8S_VERSION/bin"; return; fi
  for d in $(ls -d "$CACHE"/kubernetes-*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/kubelet" && -x "$d/kube-apiserver" ]] && { echo "$d"; return; }
  done
}

# newest_cache_bin NAME BINARY: path of BINARY in the newest $CACHE/NAME-*/bin, or nothing.
newest_cache_bin() {
  local d
  for d in $(ls -d "$CACHE/$1"-*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/$2" ]] && { echo "$d/$2"; return; }
  done
}

# Polls go straight to the API with curl (a kubectl start costs about a second on 2 busy cores).
api_get() {
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$APISERVER_URL$1"
}

# api_code PATH: the HTTP status of a GET (000 when the API does not answer).
api_code() {
  curl -sS -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" "$APISERVER_URL$1" 2>/dev/null || true
}

# own_node_names: the nodes `up` made. Nodes a seeded violation adds (lib/violations.sh)
# never count when waiting for the cluster.
own_node_names() {
  local i
  for ((i = 1; i <= NODES; i++)); do node_name "$i"; done
  for ((i = 1; i <= ${WINDOWS_NODES:-0}; i++)); do echo "$WIN_PREFIX$i"; done
}

# wait_nodes_ready [NODE...]: every named node (default: every node up made) is Ready.
wait_nodes_ready() {
  (($#)) || set -- $(own_node_names)
  api_get /api/v1/nodes | jq -e --args '[.items[] | select(.metadata.name | IN($ARGS.positional[]))
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length == ($ARGS.positional | length)' "$@" >/dev/null
}

# Ready for workloads: the node controller has lifted the not-ready taints of the named nodes
# (default: every node up made) and the default service account exists (pods in "default" are
# refused before that).
wait_schedulable() {
  (($#)) || set -- $(own_node_names)
  api_get /api/v1/nodes | jq -e --args '[.items[] | select(.metadata.name | IN($ARGS.positional[]))
    | .spec.taints[]? | select(.key == "node.kubernetes.io/not-ready")] | length == 0' "$@" >/dev/null &&
    api_get /api/v1/namespaces/default/serviceaccounts/default >/dev/null
}
