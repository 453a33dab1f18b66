#!/usr/bin/env bash
# ra2cert local cluster: a real multi-node Kubernetes on this machine, no Docker.
#
#   cluster.sh up     [--nodes N] [--windows-nodes N] [--state-dir DIR] [--k8s-bin DIR]
#                     [--image-registry HOST:PORT]
#   cluster.sh status [--state-dir DIR]
#   cluster.sh down   [--state-dir DIR] [--save-logs DIR2]
#
# up     brings the cluster up from cached binaries (tearing down any earlier one in DIR first)
#        and prints on stdout, one "key: value" per line:
#          kubeconfig: <admin kubeconfig>   nodes-ready-seconds: <s>   ready-seconds: <s>
#          state-dir: <dir>  logs: <dir>  registry: <host:port>  etcd: <binary>  gvisor: yes|no
#          windows-nodes: <N> (simulated by kwok)          (only with --windows-nodes N > 0)
#        (ready = nodes Ready and CoreDNS available). Progress goes to stderr.
#        --windows-nodes N adds N simulated Windows workers ra2cert-win<i> (lib/windows-nodes.sh):
#        Node objects kept Ready by kwok, labelled kubernetes.io/os=windows,
#        node.kubernetes.io/windows-build=10.0.17763 and ra2cert.io/simulated=true, tainted
#        os=windows:NoSchedule. Scheduling onto them is real; pods bound to them never run.
# status prints components (running/dead) and the nodes; exit 0 when everything runs, 1 when
#        not, 4 when there is no cluster in DIR.
# down   removes everything up made: processes, mounts, network namespaces, links, iptables
#        rules, cgroups, kernel settings, state. Idempotent. --save-logs copies the component
#        logs (and the audit log) to DIR2/ first, e.g. for a certification bundle.
# Defaults: --nodes 2, --windows-nodes 0, --state-dir /var/lib/ra2cert/local, --k8s-bin the
# cached Kubernetes build, --image-registry the registry this script runs on the bridge
# (10.250.0.1:5000).
# Environment: RA2CERT_CACHE (build cache, default ~/.cache/ra2cert), RA2CERT_K8S_BIN (as
# --k8s-bin), RA2CERT_ETCD (etcd binary; default Debian's /usr/bin/etcd), RA2CERT_GVISOR_BIN
# (dir with runsc + containerd-shim-runsc-v1; default the newest $RA2CERT_CACHE/gvisor-*/bin),
# RA2CERT_KWOK (kwok binary for --windows-nodes; default the newest $RA2CERT_CACHE/kwok-*/bin).
# One local cluster per machine (bridge ra2cert0, netns ra2cert-node<i>, cgroup /ra2cert).
# Exit codes: 0 ok, 2 usage, 3 infrastructure error (message on stderr names the log to read).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

cmd=${1:-}
[[ -n "$cmd" ]] || usage
shift
K8S_BIN=${RA2CERT_K8S_BIN:-} REGISTRY_OVERRIDE= SAVE_LOGS=
while (($#)); do
  case $1 in
    --nodes) NODES=${2:-}; shift 2 || usage ;;
    --windows-nodes) WINDOWS_NODES=${2:-}; shift 2 || usage ;;
    --state-dir) STATE=${2:-}; shift 2 || usage ;;
    --k8s-bin) K8S_BIN=${2:-}; shift 2 || usage ;;
    --image-registry) REGISTRY_OVERRIDE=${2:-}; shift 2 || usage ;;
    --save-logs) SAVE_LOGS=${2:-}; shift 2 || usage ;;
    -h | --help) usage ;;
    *) echo "cluster.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ -z "${STATE:-}" || "$STATE" == /* ]] || { echo "cluster.sh: --state-dir must be an absolute path" >&2; exit 2; }
[[ "${STATE:-x}" != / ]] || { echo "cluster.sh: --state-dir / is not allowed" >&2; exit 2; }
[[ -z "${NODES:-}" || "$NODES" =~ ^[1-9][0-9]?$ ]] || { echo "cluster.sh: --nodes must be 1..99" >&2; exit 2; }
[[ -z "${WINDOWS_NODES:-}" || "$WINDOWS_NODES" =~ ^(0|[1-9]|1[0-9]|20)$ ]] || { echo "cluster.sh: --windows-nodes must be 0..20" >&2; exit 2; }
[[ -n "${STATE:-}" ]] && STATE=${STATE%/}

source "$HERE/lib/common.sh"
for f in pki network registry control-plane node addons windows-nodes teardown; do source "$HERE/lib/$f.sh"; done

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, cgroups, mounts)" 3

now() { echo "${EPOCHREALTIME/[,.]/}"; }                      # microseconds
secs_since() { local d=$(($(now) - $1)); printf '%d.%01d' $((d / 1000000)) $((d % 1000000 / 100000)); }

cmd_down() {
  local other
  other=$(cat "$ACTIVE_MARKER" 2>/dev/null || true)
  if [[ -n "$other" && "$other" != "$STATE" && -f "$other/cluster.env" ]]; then
    die "the local cluster that is up has state dir $other, not $STATE; run: cluster.sh down --state-dir $other" 3
  fi
  [[ -f "$STATE/cluster.env" ]] && source "$STATE/cluster.env"
  if [[ -n "$SAVE_LOGS" && -d "$LOGS" ]]; then
    mkdir -p "$SAVE_LOGS" && cp -a "$LOGS/." "$SAVE_LOGS/" || die "could not copy logs to $SAVE_LOGS" 3
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
  for b in containerd ctr runc docker-registry umoci curl jq openssl iptables nsenter; do
    command -v "$b" >/dev/null || die "$b is not installed; run environments/setup/install-debian-packages.sh" 3
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
    kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
    [[ -r "/proc/sys/$key" ]] && echo "$key $(cat "/proc/sys/$key")"
  done >"$STATE/host/sysctl.saved"
}

# Polls go straight to the API with curl (a kubectl start costs about a second on 2 busy cores).
api_get() {
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$APISERVER_URL$1"
}

wait_nodes_ready() {
  local ready
  ready=$(api_get /api/v1/nodes | jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length') || return 1
  ((ready == NODES + WINDOWS_NODES))
}

# Ready for workloads: the node controller has lifted the not-ready taints and the default
# service account exists (pods in "default" are refused before that).
wait_schedulable() {
  local tainted
  tainted=$(api_get /api/v1/nodes | jq '[.items[].spec.taints[]? | select(.key == "node.kubernetes.io/not-ready")] | length') || return 1
  ((tainted == 0)) && api_get /api/v1/namespaces/default/serviceaccounts/default >/dev/null
}

cmd_up() {
  local t0 i push_pid
  t0=$(now)
  NODES=${NODES:-2}
  check_binaries
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
  REGISTRY=${REGISTRY_OVERRIDE:-$HOST_IP:$REGISTRY_PORT}
  PAUSE_TAG=$("$REPO_ROOT/fixtures/images/pause/build.sh" --tag)
  COREDNS_TAG=$("$REPO_ROOT/fixtures/images/coredns/build.sh" --tag 2>/dev/null || true)
  IMAGE_NAMES="pause busybox${COREDNS_TAG:+ coredns}"
  [[ -n "$COREDNS_TAG" ]] || log "warning: no CoreDNS build in $CACHE/coredns-*; cluster DNS is left out (run environments/local/components/build-coredns.sh)"
  if [[ -z "$(gvisor_bin_dir || true)" ]]; then
    log "warning: no gVisor build in $CACHE/gvisor-*; RuntimeClass gvisor is left out"
  elif ! has_cap_sys_resource && [[ ! -e "$(gvisor_bin_dir)/.shim-tolerates-refused-oom-score" ]]; then
    log "warning: no CAP_SYS_RESOURCE here and this gVisor shim does not tolerate a refused OOM score; gvisor pods will fail (rebuild with environments/local/components/build-gvisor.sh)"
  fi

  mkdir -p "$STATE" "$LOGS" "$PIDS"
  touch "$STATE/$STATE_MARK"
  chmod 700 "$STATE"
  echo "$STATE" >"$ACTIVE_MARKER"
  save_host_state
  cat >"$STATE/cluster.env" <<ENV
NODES=$NODES
WINDOWS_NODES=$WINDOWS_NODES
K8S_BIN=$K8S_BIN
REGISTRY=$REGISTRY
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
  etcd_start
  for ((i = 1; i <= NODES; i++)); do node_write_config "$i"; containerd_start "$i"; done
  apiserver_start
  if [[ -z "$REGISTRY_OVERRIDE" ]]; then registry_start; fi
  wait "$build_pid" || die "building images failed; see $LOGS/images-build.log" 3
  if [[ -z "$REGISTRY_OVERRIDE" ]]; then registry_push & push_pid=$!; fi

  wait_until 60 "kube-apiserver (log: $LOGS/kube-apiserver.log)" apiserver_ready ||
    die "kube-apiserver did not become ready; see $LOGS/kube-apiserver.log and $LOGS/etcd.log" 3
  log "kube-apiserver ready ($(secs_since "$t0") s)"
  addons_nodes || die "creating the Node objects failed; see $LOGS/addons.log" 3
  windows_nodes_start || die "creating the simulated Windows nodes failed; see $LOGS/addons.log" 3
  for ((i = 1; i <= NODES; i++)); do
    wait_until 20 "containerd on $(node_name "$i")" containerd_ready "$i" ||
      die "containerd on $(node_name "$i") did not start; see $LOGS/$(node_name "$i")-containerd.log" 3
    kubelet_start "$i"
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
  local ready
  ready=$(secs_since "$t0")
  log "cluster ready ($ready s)"
  echo "kubeconfig: $ADMIN_KUBECONFIG"
  echo "nodes-ready-seconds: $nodes_ready"
  echo "ready-seconds: $ready"
  echo "state-dir: $STATE"
  echo "logs: $LOGS"
  echo "registry: $REGISTRY"
  echo "etcd: $(cat "$STATE/etcd-binary")"
  echo "gvisor: $([[ -n "$(gvisor_bin_dir || true)" ]] && echo yes || echo no)"
  if ((WINDOWS_NODES > 0)); then echo "windows-nodes: $WINDOWS_NODES (simulated by kwok)"; fi
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
    else
      printf '  %-32s DEAD     log %s\n' "$name" "$LOGS/$name.log"
      ok=1
    fi
  done
  echo "nodes:"
  if ! kubectl_admin get nodes -o wide 2>&1 | sed 's/^/  /'; then ok=1; fi
  exit "$ok"
}

case $cmd in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
