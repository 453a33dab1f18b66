#!/usr/bin/env bash
# ra2cert local cluster: a real multi-node Kubernetes on this machine, no Docker.
#
#   cluster.sh up      [--nodes N] [--windows-nodes N] [--state-dir DIR] [--k8s-bin DIR]
#                      [--image-registry HOST:PORT] [--runtime NAME] [--violate NAME[,NAME...]]
#   cluster.sh status  [--state-dir DIR]
#   cluster.sh violate NAME [--state-dir DIR]
#   cluster.sh restore NAME|--all [--state-dir DIR]
#   cluster.sh fault   NAME [--seconds S] [--state-dir DIR]
#   cluster.sh down    [--state-dir DIR] [--save-logs DIR2]
#
# up     brings the cluster up from cached binaries (tearing down any earlier one in DIR first)
#        and prints on stdout, one "key: value" per line:
#          kubeconfig: <admin kubeconfig>   nodes-ready-seconds: <s>   ready-seconds: <s>
#          state-dir: <dir>  logs: <dir>  registry: <host:port>  gvisor: yes|no
#          etcd: <N> member(s), static pods of image <reference>
#          metrics-server: <version>|no   nfd: <version>|no   runtime: <name> (<containerd version>, runc <version>)
#          windows-nodes: <N> (simulated by kwok)          (only with --windows-nodes N > 0)
#        (ready = nodes Ready, CoreDNS available, metrics-server serving metrics.k8s.io and Node
#        Feature Discovery's labels on every Linux node).
#        --runtime containerd-2 (containerd 2 + runc 1.5 built by components/build-containerd.sh
#        and build-runc.sh, the default) or containerd-1.6 (Debian's containerd 1.6 + runc 1.1);
#        lib/runtime.sh.
#        Progress goes to stderr.
#        --windows-nodes N adds N simulated Windows workers ra2cert-win<i> (lib/windows-nodes.sh):
#        Node objects kept Ready by kwok, labelled kubernetes.io/os=windows,
#        node.kubernetes.io/windows-build=10.0.17763 and ra2cert.io/simulated=true, tainted
#        os=windows:NoSchedule. Scheduling onto them is real; pods bound to them never run.
#        --violate seeds violations (negative controls) named in violations.yaml
#        (lib/violations.sh): spin-up ones change how components start, live ones are applied
#        once the cluster is ready; up then also prints "violations: <name>,...".
# status prints components (running/dead), the nodes and "violations: <in force>|none";
#        exit 0 when everything runs, 1 when not (also when a violation stopped it), 4 when
#        there is no cluster in DIR.
# violate applies a live violation to the running cluster and returns once its effect shows;
#        prints "applied: NAME (<s> s)" ("already-applied: NAME" when it is).
# restore reverts a live violation (--all: every applied one, last first) and returns once the
#        cluster is healthy again; prints "restored: NAME (<s> s)" ("not-applied: NAME" when it
#        is not). Spin-up violations last until down.
# fault  breaks a component of the running cluster (lib/faults.sh: apiserver-restart,
#        kubelet-stop, containerd-restart, worker-link-down), keeps it broken S seconds
#        (default 20), recovers it and returns once the cluster is healthy; prints
#        "fault: NAME injected" when the break shows and "recovered: NAME (<s> s)" at the end.
#        For tests of runs that must survive a cluster failing under them.
# down   removes everything up made: processes, mounts, network namespaces, links, iptables
#        rules, cgroups, kernel settings, state. Idempotent. --save-logs copies the component
#        logs (and the audit log) to DIR2/ first, e.g. for a certification bundle.
# Defaults: --nodes 2, --windows-nodes 0, --state-dir /var/lib/ra2cert/local, --k8s-bin the
# cached Kubernetes build, --image-registry the registry this script runs on the bridge
# (10.250.0.1:5000).
# Environment: RA2CERT_CACHE (build cache, default ~/.cache/ra2cert), RA2CERT_K8S_BIN (as
# --k8s-bin), RA2CERT_GVISOR_BIN
# (dir with runsc + containerd-shim-runsc-v1; default the newest $RA2CERT_CACHE/gvisor-*/bin),
# RA2CERT_KWOK (kwok binary for --windows-nodes; default the newest $RA2CERT_CACHE/kwok-*/bin),
# RA2CERT_RUNTIME (as --runtime).
# One local cluster per machine (bridge ra2cert0, netns ra2cert-node<i>, cgroup /ra2cert).
# Exit codes: 0 ok, 2 usage (an unknown violation, a spin-up one given to violate/restore),
# 3 infrastructure error (message on stderr names the log to read), 4 no cluster in DIR
# (status, violate, restore), 5 the cluster lacks what a violation needs (its `needs`).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

cmd=${1:-}
[[ -n "$cmd" ]] || usage
shift
K8S_BIN=${RA2CERT_K8S_BIN:-} RUNTIME_ARG=${RA2CERT_RUNTIME:-} REGISTRY_OVERRIDE= SAVE_LOGS= VIOLATE_ARG= ALL= NAME_ARG= FAULT_SECONDS=20
while (($#)); do
  case $1 in
    --nodes) NODES=${2:-}; shift 2 || usage ;;
    --windows-nodes) WINDOWS_NODES=${2:-}; shift 2 || usage ;;
    --state-dir) STATE=${2:-}; shift 2 || usage ;;
    --k8s-bin) K8S_BIN=${2:-}; shift 2 || usage ;;
    --image-registry) REGISTRY_OVERRIDE=${2:-}; shift 2 || usage ;;
    --runtime) RUNTIME_ARG=${2:-}; shift 2 || usage ;;
    --save-logs) SAVE_LOGS=${2:-}; shift 2 || usage ;;
    --violate) VIOLATE_ARG=${2:-}; shift 2 || usage ;;
    --all) ALL=1; shift ;;
    --seconds) FAULT_SECONDS=${2:-}; shift 2 || usage ;;
    -h | --help) usage ;;
    -*) echo "cluster.sh: unknown argument $1" >&2; usage ;;
    *)
      [[ -z "$NAME_ARG" && ( "$cmd" == violate || "$cmd" == restore || "$cmd" == fault ) ]] || { echo "cluster.sh: unexpected argument $1" >&2; usage; }
      NAME_ARG=$1; shift ;;
  esac
done
[[ -z "${STATE:-}" || "$STATE" == /* ]] || { echo "cluster.sh: --state-dir must be an absolute path" >&2; exit 2; }
[[ "${STATE:-x}" != / ]] || { echo "cluster.sh: --state-dir / is not allowed" >&2; exit 2; }
[[ -z "${NODES:-}" || "$NODES" =~ ^[1-9][0-9]?$ ]] || { echo "cluster.sh: --nodes must be 1..99" >&2; exit 2; }
[[ -z "${WINDOWS_NODES:-}" || "$WINDOWS_NODES" =~ ^(0|[1-9]|1[0-9]|20)$ ]] || { echo "cluster.sh: --windows-nodes must be 0..20" >&2; exit 2; }
[[ -n "${STATE:-}" ]] && STATE=${STATE%/}
[[ -z "$VIOLATE_ARG" || "$cmd" == up ]] || { echo "cluster.sh: --violate belongs to up" >&2; exit 2; }
[[ -z "$ALL" || "$cmd" == restore ]] || { echo "cluster.sh: --all belongs to restore" >&2; exit 2; }
[[ "$FAULT_SECONDS" == 20 || "$cmd" == fault ]] || { echo "cluster.sh: --seconds belongs to fault" >&2; exit 2; }
if [[ "$cmd" == violate || "$cmd" == restore ]]; then
  [[ -n "$NAME_ARG" || -n "$ALL" ]] || { echo "cluster.sh: $cmd needs a violation name" >&2; usage; }
  [[ -z "$NAME_ARG" || -z "$ALL" ]] || { echo "cluster.sh: restore takes a name or --all, not both" >&2; exit 2; }
fi

source "$HERE/lib/common.sh"
for f in pki network registry control-plane runtime node addons windows-nodes teardown violations faults; do source "$HERE/lib/$f.sh"; done
if [[ "$cmd" == fault ]]; then
  violations_validate "$VIOLATE_ARG"
else
  violations_validate "$VIOLATE_ARG${NAME_ARG:+,$NAME_ARG}"
fi

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, cgroups, mounts)" 3

cmd_down() {
  local other
  other=$(cat "$ACTIVE_MARKER" 2>/dev/null || true)
  if [[ -n "$other" && "$other" != "$STATE" && -f "$other/cluster.env" ]]; then
    die "the local cluster that is up has state dir $other, not $STATE; run: cluster.sh down --state-dir $other" 3
  fi
  [[ -f "$STATE/cluster.env" ]] && source "$STATE/cluster.env"
  if [[ -n "$SAVE_LOGS" && -d "$LOGS" ]]; then
    mkdir -p "$SAVE_LOGS" && cp -a "$LOGS/." "$SAVE_LOGS/" || die "could not copy logs to $SAVE_LOGS" 3
    # The etcd members log as containers of their static pods: etcd-<member>.log beside the rest.
    local log member
    for log in "$STATE"/nodes/*/pod-logs/kube-system_etcd-*/etcd/*.log; do
      [[ -f "$log" ]] || continue
      member=${log#*/kube-system_}; member=${member%%_*}
      cat "$log" >>"$SAVE_LOGS/$member.log" || true
    done
  fi
  teardown
  [[ "$(cat "$ACTIVE_MARKER" 2>/dev/null)" == "$STATE" ]] && rm -f "$ACTIVE_MARKER"
  log "down: nothing left of the cluster in $STATE"
}

check_binaries() {
  K8S_BIN=$(find_k8s_bin)
  [[ -n "$K8S_BIN" ]] || die "no Kubernetes binaries in $CACHE/kubernetes-*/bin; run environments/local/components/build-kubernetes.sh or pass --k8s-bin" 3
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    [[ -x "$K8S_BIN/$b" ]] || die "$K8S_BIN/$b is missing (run environments/local/components/build-kubernetes.sh)" 3
  done
  [[ -n "$(newest_cache_bin etcd etcd)" ]] ||
    die "no etcd build in $CACHE/etcd-*/bin; run environments/local/components/build-etcd.sh" 3
  for b in docker-registry umoci curl jq openssl iptables nsenter; do
    command -v "$b" >/dev/null || die "$b is not installed; run environments/setup/install-debian-packages.sh" 3
  done
  runtime_select "${RUNTIME_ARG:-$DEFAULT_RUNTIME}"
  for b in "$CONTAINERD_BIN" "$CTR_BIN" "$RUNC_BIN" "$SHIM_DIR/containerd-shim-runc-v2"; do
    [[ -x "$b" ]] || die "$b is missing; run environments/setup/install-debian-packages.sh (containerd-1.6) or the component builds (containerd-2)" 3
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback && -x /usr/lib/cni/portmap ]] ||
    die "CNI plugins missing in /usr/lib/cni (apt-get install containernetworking-plugins)" 3
  windows_nodes_check
}

save_host_state() {
  mkdir -p "$STATE/host"
  touch "$STATE/host/run-started"
  [[ -d /var/log/containers ]] || echo 1 >"$STATE/host/created-var-log-containers"
  [[ -d /var/lib/cni ]] || echo 1 >"$STATE/host/created-var-lib-cni"
  [[ -d /run/containerd ]] || echo 1 >"$STATE/host/created-run-containerd"
  [[ -d /var/lib/kubelet ]] || echo 1 >"$STATE/host/created-var-lib-kubelet"
  local key
  for key in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops \
    kernel/keys/root_maxkeys kernel/keys/root_maxbytes vm/nr_hugepages; do
    [[ -r "/proc/sys/$key" ]] && echo "$key $(cat "/proc/sys/$key")"
  done >"$STATE/host/sysctl.saved"
}

# The network-intensive workers offer 2 MiB huge pages (ra2.ch.001): the kernel keeps
# $HUGEPAGES of them (64 MiB) before the kubelets start, as a node's boot settings would; the
# nodes share this machine's pool, and teardown puts the old count back (sysctl.saved).
# Seeded violation hugepages-not-reserved leaves the pool at none.
HUGEPAGES=32
reserve_hugepages() {
  local want=$HUGEPAGES have
  violating hugepages-not-reserved && want=0
  have=$(cat /proc/sys/vm/nr_hugepages)
  if violating hugepages-not-reserved || ((have < want)); then
    echo "$want" >/proc/sys/vm/nr_hugepages || die "cannot set vm.nr_hugepages to $want (root needed)" 3
    have=$(cat /proc/sys/vm/nr_hugepages)
  fi
  ((have >= want)) || log "warning: the kernel reserved only $have of $want huge pages (memory fragmented?)"
}

cmd_up() {
  local t0 i push_pid
  t0=$(now)
  NODES=${NODES:-2}
  check_binaries
  REGISTRY=${REGISTRY_OVERRIDE:-$HOST_IP:$REGISTRY_PORT}
  OWN_REGISTRY=$([[ -z "$REGISTRY_OVERRIDE" ]] && echo yes || echo no)
  PAUSE_TAG=$("$REPO_ROOT/fixtures/images/pause/build.sh" --tag)
  COREDNS_TAG=$("$REPO_ROOT/fixtures/images/coredns/build.sh" --tag 2>/dev/null || true)
  COREDNS=$([[ -n "$COREDNS_TAG" ]] && echo yes || echo no)
  GVISOR=$([[ -n "$(gvisor_bin_dir || true)" ]] && echo yes || echo no)
  METRICS_SERVER_TAG=$("$REPO_ROOT/fixtures/images/metrics-server/build.sh" --tag 2>/dev/null || true)
  METRICS_SERVER=$([[ -n "$METRICS_SERVER_TAG" ]] && echo yes || echo no)
  NFD_TAG=$("$REPO_ROOT/fixtures/images/nfd/build.sh" --tag 2>/dev/null || true)
  [[ -s "$(nfd_crds)" ]] || NFD_TAG=
  NFD=$([[ -n "$NFD_TAG" ]] && echo "$NFD_TAG" || echo no)
  IMAGE_NAMES="pause busybox${COREDNS_TAG:+ coredns}${METRICS_SERVER_TAG:+ metrics-server}${NFD_TAG:+ nfd}${RA2CERT_BINARY:+ node-agent}"
  # Seeded violations: spin-up ones (VIOLATE) take effect as the components start, live ones
  # once the cluster is ready. What either needs is checked before anything starts.
  VIOLATE=$(violations_of_kind spin-up "$VIOLATE_ARG")
  local live=() spin_up=() v
  IFS=, read -r -a live <<<"$(violations_of_kind live "$VIOLATE_ARG")"
  IFS=, read -r -a spin_up <<<"$VIOLATE"
  for v in "${spin_up[@]}" "${live[@]}"; do violation_needs "$v"; done
  # The bridge, namespaces and cgroup names are machine-wide: one local cluster per machine.
  local other
  other=$(cat "$ACTIVE_MARKER" 2>/dev/null || true)
  if [[ -n "$other" && "$other" != "$STATE" && -f "$other/cluster.env" ]]; then
    die "a local cluster is already up with state dir $other; run: cluster.sh down --state-dir $other" 3
  fi
  if [[ -d "$STATE" && ! -f "$STATE/$STATE_MARK" && -n "$(ls -A "$STATE")" ]]; then
    die "--state-dir $STATE is not empty and holds no ra2cert cluster; choose another directory" 2
  fi
  # A cluster (or the remains of a killed up) in this state dir goes first.
  if [[ -e "$STATE" || -n "$(ip netns list 2>/dev/null | grep "^$NS_PREFIX" || true)" ]] || ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "removing the previous cluster in $STATE"
    ( [[ -f "$STATE/cluster.env" ]] && source "$STATE/cluster.env"; teardown )
  fi
  net_check_free
  [[ -n "$METRICS_SERVER_TAG" ]] || log "warning: no metrics-server build in $CACHE/metrics-server-*; the resource metrics API (metrics.k8s.io) is left out (run environments/local/components/build-metrics-server.sh)"
  [[ -n "$NFD_TAG" ]] || log "warning: no Node Feature Discovery build in $CACHE/nfd-*; nodes get no feature.node.kubernetes.io labels (run environments/local/components/build-nfd.sh)"
  [[ -n "$COREDNS_TAG" ]] || log "warning: no CoreDNS build in $CACHE/coredns-*; cluster DNS is left out (run environments/local/components/build-coredns.sh)"
  if [[ "$GVISOR" == no ]]; then
    log "warning: no gVisor build in $CACHE/gvisor-*; RuntimeClass gvisor is left out"
  elif ! has_cap_sys_resource && [[ ! -e "$(gvisor_bin_dir)/.shim-tolerates-refused-oom-score" ]]; then
    log "warning: no CAP_SYS_RESOURCE here and this gVisor shim does not tolerate a refused OOM score; gvisor pods will fail (rebuild with environments/local/components/build-gvisor.sh)"
  fi

  mkdir -p "$STATE" "$LOGS" "$PIDS"
  touch "$STATE/$STATE_MARK"
  # 0711, not 0700: runc mounts a user-namespaced pod's rootfs as the pod's mapped root, which
  # must traverse the state dir (keys and kubeconfigs stay 0600 inside 0700 directories).
  chmod 711 "$STATE"
  chmod 700 "$LOGS" "$PIDS"
  echo "$STATE" >"$ACTIVE_MARKER"
  save_host_state
  reserve_hugepages
  cat >"$STATE/cluster.env" <<ENV
NODES=$NODES
WINDOWS_NODES=$WINDOWS_NODES
K8S_BIN=$K8S_BIN
REGISTRY=$REGISTRY
OWN_REGISTRY=$OWN_REGISTRY
COREDNS=$COREDNS
METRICS_SERVER=$METRICS_SERVER
NFD=$NFD
GVISOR=$GVISOR
VIOLATE=$VIOLATE
PAUSE_TAG=$PAUSE_TAG
RUNTIME=$RUNTIME
CONTAINERD_BIN=$CONTAINERD_BIN
CTR_BIN=$CTR_BIN
RUNC_BIN=$RUNC_BIN
SHIM_DIR=$SHIM_DIR
ENV
  : >"$STATE/resolv.conf"       # pods with dnsPolicy Default get no outside nameserver
  audit_policy_write
  cgroup_make "$CG_TOP/daemons"
  # Images are built (first run) or reused while the rest starts; kept on failure for the log.
  "$REPO_ROOT/fixtures/images/images.sh" build --only "$IMAGE_NAMES" >"$LOGS/images-build.log" 2>&1 &
  local build_pid=$!

  pki_generate
  windows_nodes_pki
  net_up
  log "PKI and network ready ($(secs_since "$t0") s)"
  for ((i = 1; i <= NODES; i++)); do node_write_config "$i"; containerd_start "$i"; done
  etcd_start
  apiserver_start
  if [[ -z "$REGISTRY_OVERRIDE" ]]; then registry_start; fi
  wait "$build_pid" || die "building images failed; see $LOGS/images-build.log" 3
  if [[ -z "$REGISTRY_OVERRIDE" ]]; then registry_push & push_pid=$!; fi

  wait_until 90 "an etcd quorum (logs: $STATE/nodes/*/pod-logs/kube-system_etcd-*)" etcd_healthy ||
    die "etcd did not become healthy; see $STATE/nodes/*/pod-logs/kube-system_etcd-*/etcd/*.log and $LOGS/$(node_name 1)-kubelet.log" 3
  log "etcd healthy ($(secs_since "$t0") s)"
  wait_until 60 "kube-apiserver (log: $LOGS/kube-apiserver.log)" apiserver_ready ||
    die "kube-apiserver did not become ready: $(daemon_why kube-apiserver)" 3
  log "kube-apiserver ready ($(secs_since "$t0") s)"
  addons_nodes || die "creating the Node objects failed; see $LOGS/addons.log" 3
  windows_nodes_start || die "creating the simulated Windows nodes failed; see $LOGS/addons.log" 3
  local etcd_hosts
  etcd_hosts=" $(etcd_nodes | tr '\n' ' ') "   # their kubelets run already (etcd_start)
  for ((i = 1; i <= NODES; i++)); do
    wait_until 20 "containerd on $(node_name "$i")" containerd_ready "$i" ||
      die "containerd on $(node_name "$i") did not start: $(daemon_why "$(node_name "$i")-containerd")" 3
    [[ "$etcd_hosts" == *" $i "* ]] || kubelet_start "$i"
    kube_proxy_start "$i"
  done
  controller_manager_start
  scheduler_start
  if [[ -n "${push_pid:-}" ]]; then wait "$push_pid" || die "pushing images failed; see $LOGS/images-push.log" 3; fi
  addons_apply || die "applying cluster add-ons failed; see $LOGS/addons.log" 3

  local kwok_log=
  ((WINDOWS_NODES == 0)) || kwok_log=" and $LOGS/kwok.log"
  wait_until 60 "all $((NODES + WINDOWS_NODES)) nodes Ready (logs: $LOGS/*-kubelet.log$kwok_log)" wait_nodes_ready ||
    die "not all nodes became Ready; see $LOGS/<node>-kubelet.log$kwok_log" 3
  local nodes_ready
  nodes_ready=$(secs_since "$t0")
  log "all $((NODES + WINDOWS_NODES)) nodes Ready ($nodes_ready s)"
  wait_until 60 "nodes schedulable and the default service account" wait_schedulable ||
    die "nodes stayed tainted not-ready or no default service account; see $LOGS/kube-controller-manager.log" 3
  if [[ -n "$COREDNS_TAG" ]]; then
    kubectl_admin -n kube-system rollout status deployment/coredns --timeout=90s >>"$LOGS/addons.log" 2>&1 ||
      die "CoreDNS did not become available; see $LOGS/addons.log and kubectl -n kube-system describe pods" 3
  fi
  if [[ -n "$METRICS_SERVER_TAG" ]]; then
    # Available once its first scrape of every kubelet is stored (about one 15 s resolution).
    wait_until 90 "metrics-server to serve metrics.k8s.io (logs: kubectl -n kube-system logs deploy/metrics-server)" \
      addons_metrics_server_available ||
      die "metrics-server did not serve metrics.k8s.io; see $LOGS/addons.log, kubectl get apiservice v1beta1.metrics.k8s.io and kubectl -n kube-system logs deploy/metrics-server" 3
    log "metrics-server serves metrics.k8s.io ($(secs_since "$t0") s)"
  fi
  if [[ -n "$NFD_TAG" ]]; then
    wait_until 90 "Node Feature Discovery to label every Linux node (logs: kubectl -n $NFD_NAMESPACE logs ds/nfd-worker, deploy/nfd-master)" \
      addons_nfd_labelled ||
      die "Node Feature Discovery labelled not every Linux node; see kubectl -n $NFD_NAMESPACE get pods and their logs" 3
    log "Node Feature Discovery labelled the nodes ($(secs_since "$t0") s)"
  fi
  wait_until 60 "the etcd members' mirror pods (log: $LOGS/$(node_name 1)-kubelet.log)" etcd_mirrors_ready ||
    die "the etcd members do not all show as Ready pods in kube-system; see $LOGS/$(node_name 1)-kubelet.log" 3
  local ready
  ready=$(secs_since "$t0")
  log "cluster ready ($ready s)"
  for v in "${live[@]}"; do violation_apply "$v"; done
  ((${#live[@]} == 0)) || log "violations applied ($(secs_since "$t0") s)"
  echo "kubeconfig: $ADMIN_KUBECONFIG"
  echo "nodes-ready-seconds: $nodes_ready"
  echo "ready-seconds: $ready"
  echo "state-dir: $STATE"
  echo "logs: $LOGS"
  echo "registry: $REGISTRY"
  echo "etcd: $(etcd_members | wc -l) member(s), static pods of image $(etcd_image)"
  echo "gvisor: $GVISOR"
  echo "runtime: $(runtime_describe)"
  if [[ -n "$METRICS_SERVER_TAG" ]]; then echo "metrics-server: v$METRICS_SERVER_TAG"; else echo "metrics-server: no"; fi
  if [[ -n "$NFD_TAG" ]]; then echo "nfd: v$NFD_TAG"; else echo "nfd: no"; fi
  if ((WINDOWS_NODES > 0)); then echo "windows-nodes: $WINDOWS_NODES (simulated by kwok)"; fi
  if [[ -n "$(violations_in_force)" ]]; then echo "violations: $(violations_in_force)"; fi
}

cmd_status() {
  [[ -f "$STATE/cluster.env" ]] || { echo "no cluster in $STATE"; exit 4; }
  source "$STATE/cluster.env"
  local f name ok=0
  echo "state-dir: $STATE"
  echo "kubeconfig: $ADMIN_KUBECONFIG"
  if ((${WINDOWS_NODES:-0} > 0)); then echo "windows-nodes: $WINDOWS_NODES (simulated by kwok, log $LOGS/kwok.log)"; fi
  echo "components:"
  for f in "$PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    name=$(basename "$f" .pid)
    if daemon_alive "$name"; then
      printf '  %-32s running  pid %s\n' "$name" "$(cat "$f")"
    elif violating "$(_violation_stopping "$name")"; then
      printf '  %-32s STOPPED  by violation %s\n' "$name" "$(_violation_stopping "$name")"
      ok=1
    else
      printf '  %-32s DEAD     log %s\n' "$name" "$LOGS/$name.log"
      ok=1
    fi
  done
  echo "nodes:"
  if ! kubectl_admin get nodes -o wide 2>&1 | sed 's/^/  /'; then ok=1; fi
  local in_force
  in_force=$(violations_in_force)
  echo "violations: ${in_force:-none}"
  exit "$ok"
}

# The cluster in $STATE, for violate and restore: exit 4 when there is none, 3 when its API
# does not answer.
cluster_load() {
  [[ -f "$STATE/cluster.env" ]] || { echo "no cluster in $STATE" >&2; exit 4; }
  source "$STATE/cluster.env"
  [[ -n "${RUNTIME:-}" ]] || runtime_select containerd-1.6   # brought up before runtimes were named
  apiserver_ready || die "the cluster in $STATE does not answer (kube-apiserver at $APISERVER_URL); see cluster.sh status" 3
}

cmd_violate() {
  local t0
  _require_live "$NAME_ARG"
  cluster_load
  if violation_applied "$NAME_ARG"; then echo "already-applied: $NAME_ARG"; return; fi
  t0=$(now)
  violation_apply "$NAME_ARG"
  echo "applied: $NAME_ARG ($(secs_since "$t0") s)"
}

cmd_restore() {
  local names=() n t0
  if [[ -n "$NAME_ARG" ]]; then _require_live "$NAME_ARG"; fi
  cluster_load
  if [[ -n "$ALL" ]]; then
    [[ ! -f "$VIOLATIONS_APPLIED" ]] || mapfile -t names < <(tac "$VIOLATIONS_APPLIED" | grep -v '^$' || true)
    [[ -z "${VIOLATE:-}" ]] || log "spin-up violations stay until down: $VIOLATE"
  else
    names=("$NAME_ARG")
  fi
  for n in "${names[@]}"; do
    if ! violation_applied "$n"; then echo "not-applied: $n"; continue; fi
    t0=$(now)
    violation_revert "$n"
    echo "restored: $n ($(secs_since "$t0") s)"
  done
}

cmd_fault() {
  local t0
  [[ -n "$NAME_ARG" && " $(fault_names) " == *" $NAME_ARG "* ]] ||
    { echo "cluster.sh: fault needs one of: $(fault_names)" >&2; exit 2; }
  [[ "$FAULT_SECONDS" =~ ^[0-9]+$ ]] || { echo "cluster.sh: --seconds takes whole seconds" >&2; exit 2; }
  cluster_load
  t0=$(now)
  fault_inject "$NAME_ARG"
  echo "fault: $NAME_ARG injected"
  sleep "$FAULT_SECONDS"
  fault_recover "$NAME_ARG" || die "the cluster did not recover from $NAME_ARG: ${HEALTH_PROBLEM:-see $LOGS}" 3
  echo "recovered: $NAME_ARG ($(secs_since "$t0") s)"
}

case $cmd in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  violate) cmd_violate ;;
  restore) cmd_restore ;;
  fault) cmd_fault ;;
  *) usage ;;
esac
