# Seeded violations: the negative controls of the catalogue, listed in ../violations.yaml
# (edit both together). Each breaks the cluster the way a misconfigured real cluster is
# broken, never by telling a case anything.
#   live     violation_apply_<name> and violation_revert_<name> (dashes become underscores),
#            run through violation_apply / violation_revert. Applied ones are listed in
#            $STATE/violations-applied, one per line; their saved files go to
#            $STATE/violations/<name>/. An apply returns once its effect is visible, a revert
#            once the cluster is healthy again (cluster_healthy).
#   spin-up  hooks in the start functions (violation_containerd_wrapper and
#            violation_node_runtime in containerd_start, violation_node_kubelet in
#            kubelet_start, etcd_members_layout, apiserver_start, violation_scheduler_args
#            in scheduler_start), taken when `violating NAME`: VIOLATE in cluster.env lists
#            the spin-up violations `up --violate` was given, for the life of the cluster.
# Everything lives under $STATE, in the node namespaces or in the API, so `down` removes it
# like the rest. Sourced by cluster.sh; needs every other lib.

VIOLATIONS_YAML=$HERE/violations.yaml
VIOLATIONS_APPLIED=$STATE/violations-applied
VIOLATIONS_DIR=$STATE/violations
VIOLATION_WAIT=60   # seconds an apply waits for its effect
HEALTH_WAIT=90      # seconds a revert waits for the cluster to be healthy again
VIOLATED_NODE=2     # the node the node-level violations break (ra2cert-node2)
STALE_NODE=ra2cert-stale1
WIN2016_NODE=ra2cert-win2016
# Marked by its comment, so that the revert deletes exactly this rule.
KUBELET_PORT_RULE=(INPUT -p tcp --dport 10250 -m comment --comment ra2cert-violation:kubelet-port-blocked
  -j REJECT --reject-with tcp-reset)

## The catalogue and the record

violation_names() { awk '$1 == "-" && $2 == "name:" { print $3 }' "$VIOLATIONS_YAML"; }

violation_kind() {
  awk -v n="$1" '$1 == "-" && $2 == "name:" { cur = $3 } cur == n && $1 == "kind:" { print $2; exit }' "$VIOLATIONS_YAML"
}

# violations_validate LIST: exit 2 naming the first unknown name of the comma-separated LIST.
violations_validate() {
  local n
  for n in ${1//,/ }; do
    violation_names | grep -qxF -- "$n" ||
      die "unknown violation '$n'; known: $(violation_names | paste -sd, -)" 2
  done
}

# violations_of_kind KIND LIST: the names of LIST that are of KIND, comma-separated.
violations_of_kind() {
  local n out=
  for n in ${2//,/ }; do
    if [[ "$(violation_kind "$n")" == "$1" && ",$out," != *",$n,"* ]]; then out+=${out:+,}$n; fi
  done
  echo "$out"
}

violation_applied() { [[ -f "$VIOLATIONS_APPLIED" ]] && grep -qxF -- "$1" "$VIOLATIONS_APPLIED"; }

# violating NAME: NAME is in force on this cluster (a spin-up one up was given, or a live one
# that is applied).
violating() { [[ ",${VIOLATE:-}," == *",$1,"* ]] || violation_applied "$1"; }

# violations_in_force: comma-separated, the spin-up ones first, then the live ones as applied.
violations_in_force() {
  local list=${VIOLATE:-} n
  if [[ -f "$VIOLATIONS_APPLIED" ]]; then
    while read -r n; do
      if [[ -n "$n" ]]; then list+=${list:+,}$n; fi
    done <"$VIOLATIONS_APPLIED"
  fi
  echo "$list"
}

_violation_unrecord() {
  grep -vxF -- "$1" "$VIOLATIONS_APPLIED" >"$VIOLATIONS_APPLIED.new" || true
  mv "$VIOLATIONS_APPLIED.new" "$VIOLATIONS_APPLIED"
  rm -rf "${VIOLATIONS_DIR:?}/$1"
}

# violation_needs NAME: exit 5 when this cluster lacks what NAME acts on (the `needs` of
# violations.yaml, and the second node of the node-level ones). GVISOR, OWN_REGISTRY,
# COREDNS and METRICS_SERVER come from cluster.env (or from up, before it starts anything).
violation_needs() {
  local name=$1
  case $name in
    windows-nodes-untainted)
      ((${WINDOWS_NODES:-0} > 0)) ||
        die "violation $name needs simulated Windows nodes; this cluster has none (cluster.sh up --windows-nodes N)" 5 ;;
    windows-node-2016)
      ((${WINDOWS_NODES:-0} > 0)) || [[ -n "$(kwok_bin)" ]] ||
        die "violation $name needs kwok to keep $WIN2016_NODE Ready; run environments/local/components/build-kwok.sh" 5 ;;
    sandbox-handler-unregistered)
      [[ "${GVISOR:-no}" == yes ]] ||
        die "violation $name needs gVisor (RuntimeClass gvisor); this cluster has none (build it with environments/local/components/build-gvisor.sh, then up again)" 5
      ((NODES >= VIOLATED_NODE)) ||
        die "violation $name acts on $(node_name "$VIOLATED_NODE"); this cluster has $NODES node (cluster.sh up --nodes 2)" 5 ;;
    sandbox-handler-runc | sandbox-class-missing | sandbox-policy-unbound)
      [[ "${GVISOR:-no}" == yes ]] ||
        die "violation $name needs gVisor (RuntimeClass gvisor); this cluster has none (build it with environments/local/components/build-gvisor.sh, then up again)" 5 ;;
    registry-unreachable)
      [[ "${OWN_REGISTRY:-no}" == yes ]] ||
        die "violation $name stops the cluster's own registry; this cluster pulls from $REGISTRY (--image-registry)" 5 ;;
    metrics-server-removed)
      # METRICS_SERVER (cluster.env, or up before anything starts); else asked of the API: the
      # add-on may have been applied to a cluster brought up before it existed.
      [[ "${METRICS_SERVER:-no}" == yes ||
        "$(api_code /apis/apps/v1/namespaces/kube-system/deployments/metrics-server)" == 200 ]] ||
        die "violation $name needs metrics-server (Deployment kube-system/metrics-server); this cluster has none (build it with environments/local/components/build-metrics-server.sh, then up again)" 5 ;;
    nfd-not-deployed)
      [[ "${NFD:-no}" != no ]] ||
        die "violation $name needs Node Feature Discovery; this cluster has none (build it with environments/local/components/build-nfd.sh, then up again)" 5 ;;
    cluster-dns-down)
      [[ "${COREDNS:-no}" == yes ]] ||
        die "violation $name needs CoreDNS; this cluster has none (build it with environments/local/components/build-coredns.sh, then up again)" 5 ;;
    containerd-cri-disabled | cni-config-removed | kubelet-port-blocked | kubelet-pods-dir-read-only | \
      runtime-base-spec-all-caps | runtime-ignores-security-context | runtime-ignores-pod-namespaces | \
      runtime-containerd-1.6 | worker-profile-label-missing | zone-without-control-plane | kubelet-sidecars-disabled | scheduler-on-worker | \
      kubelet-no-cpu-reserved | etcd-member-on-worker)
      if [[ $name == kubelet-sidecars-disabled && -z "$(_sidecarless_kubelet)" ]]; then
        die "violation $name runs a Kubernetes $SIDECARLESS_MINOR kubelet; build it with environments/local/components/build-all.sh $SIDECARLESS_MINOR kubernetes" 5
      fi
      ((NODES >= VIOLATED_NODE)) ||
        die "violation $name acts on $(node_name "$VIOLATED_NODE"); this cluster has $NODES node (cluster.sh up --nodes 2)" 5 ;;
  esac
}

# Violations that change the same thing, one at a time: RuntimeClass gvisor, or the
# containerd config of the violated node. Prints the others, with what they share.
RUNTIME_CONFIG_VIOLATIONS="containerd-cri-disabled runtime-base-spec-all-caps runtime-ignores-security-context runtime-ignores-pod-namespaces"
violation_conflicts_with() {
  case $1 in
    sandbox-handler-runc) echo "sandbox-class-missing" ;;
    sandbox-class-missing) echo "sandbox-handler-runc" ;;
    containerd-cri-disabled | runtime-base-spec-all-caps | runtime-ignores-security-context | runtime-ignores-pod-namespaces)
      local other
      for other in $RUNTIME_CONFIG_VIOLATIONS; do [[ "$other" == "$1" ]] || echo "$other"; done ;;
  esac
}
violation_conflict_subject() {
  case $1 in
    sandbox-*) echo "RuntimeClass gvisor" ;;
    *) echo "the containerd config of $(node_name "$VIOLATED_NODE")" ;;
  esac
}

_require_live() {
  [[ "$(violation_kind "$1")" == live ]] ||
    die "violation $1 is a spin-up violation: it is in force from the start (cluster.sh up --violate $1) until down" 2
}

# violation_apply NAME: applies a live violation and returns once its effect shows; one that
# is applied already is left as it is. It is recorded before anything changes, so that a
# half-done apply can still be restored.
violation_apply() {
  local name=$1 other
  _require_live "$name"
  if violation_applied "$name"; then
    log "violation $name is applied already; nothing to do"
    return 0
  fi
  violation_needs "$name"
  for other in $(violation_conflicts_with "$name"); do
    if violation_applied "$other"; then
      die "violation $name conflicts with $other (both change $(violation_conflict_subject "$name")), which is applied; restore $other first" 2
    fi
  done
  mkdir -p "$VIOLATIONS_DIR/$name"
  echo "$name" >>"$VIOLATIONS_APPLIED"
  log "violation $name: applying"
  "violation_apply_${name//-/_}" ||
    die "violation $name did not take effect (see $LOGS/violations.log); it stays recorded: cluster.sh restore $name" 3
  log "violation $name: in force"
}

# violation_revert NAME: reverts a live violation and returns once the cluster is healthy
# again (apart from the violations still in force). Not applied: nothing to do.
violation_revert() {
  local name=$1
  _require_live "$name"
  if ! violation_applied "$name"; then
    log "violation $name is not applied; nothing to do"
    return 0
  fi
  log "violation $name: reverting"
  "violation_revert_${name//-/_}" ||
    die "reverting violation $name failed (see $LOGS/violations.log); it stays recorded" 3
  _violation_unrecord "$name"
  wait_until "$HEALTH_WAIT" "the cluster to be healthy again after reverting $name" cluster_healthy ||
    die "violation $name is reverted, but the cluster is not healthy: ${HEALTH_PROBLEM:-?}" 3
  log "violation $name: reverted, cluster healthy"
}

## Helpers

vkubectl() { kubectl_admin "$@" >>"$LOGS/violations.log" 2>&1; }

# cluster_healthy: what `up` waits for (its nodes Ready and schedulable, every daemon running,
# CoreDNS available), except what the violations still in force break on purpose.
# HEALTH_PROBLEM names the check that failed.
cluster_healthy() {
  local nodes=() n f daemon
  for n in $(own_node_names); do
    if [[ "$n" == "$(node_name "$VIOLATED_NODE")" ]] &&
      { violating containerd-cri-disabled || violating cni-config-removed; }; then continue; fi
    nodes+=("$n")
  done
  HEALTH_PROBLEM="not every node is Ready (${nodes[*]})"
  wait_nodes_ready "${nodes[@]}" || return 1
  HEALTH_PROBLEM="a node is still tainted node.kubernetes.io/not-ready"
  wait_schedulable "${nodes[@]}" || return 1
  for f in "$PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    daemon=$(basename "$f" .pid)
    if daemon_alive "$daemon" || violating "$(_violation_stopping "$daemon")"; then continue; fi
    HEALTH_PROBLEM="$daemon is not running (log $LOGS/$daemon.log)"
    return 1
  done
  if [[ "${COREDNS:-no}" == yes ]] && ! violating cluster-dns-down; then
    HEALTH_PROBLEM="CoreDNS is not available"
    api_get /apis/apps/v1/namespaces/kube-system/deployments/coredns | jq -e '.spec.replicas >= 1
      and (.status.observedGeneration // 0) >= .metadata.generation and (.status.replicas // 0) == .spec.replicas
      and (.status.updatedReplicas // 0) == .spec.replicas and (.status.availableReplicas // 0) == .spec.replicas' >/dev/null || return 1
  fi
  if [[ "${METRICS_SERVER:-no}" == yes ]] && ! violating metrics-server-removed; then
    HEALTH_PROBLEM="metrics-server does not serve metrics.k8s.io"
    addons_metrics_server_available || return 1
  fi
  if [[ "${NFD:-no}" != no ]] && ! violating nfd-not-deployed; then
    HEALTH_PROBLEM="Node Feature Discovery has not labelled every Linux node"
    addons_nfd_labelled || return 1
  fi
  HEALTH_PROBLEM=
}

# _violation_stopping DAEMON: the violation that stops DAEMON, if any.
_violation_stopping() {
  case $1 in
    kube-scheduler) echo scheduler-stopped ;;
    kube-controller-manager) echo controller-manager-stopped ;;
    registry) echo registry-unreachable ;;
    *) echo none ;;
  esac
}

daemon_dead() { ! daemon_alive "$1"; }

# daemon_stop NAME: SIGTERM, SIGKILL after 10 s; returns once the process is gone.
daemon_stop() {
  local pid
  daemon_alive "$1" || return 0
  pid=$(cat "$PIDS/$1.pid")
  kill -TERM "$pid" 2>/dev/null || true
  wait_until 10 "$1 to stop" daemon_dead "$1" && return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 5 "$1 to die" daemon_dead "$1"
}

_containerd_restart() {
  daemon_stop "$(node_name "$1")-containerd" || return 1
  containerd_start "$1"
  wait_until 20 "containerd on $(node_name "$1")" containerd_ready "$1"
}

_node_gone() { [[ "$(api_code "/api/v1/nodes/$1")" == 404 ]]; }

_node_not_ready() {
  api_get "/api/v1/nodes/$1" | jq -e 'any(.status.conditions[]?; .type == "Ready" and .status != "True")' >/dev/null
}

# _node_delete NAME: a node no kubelet confirms anything for: its pods go by force, then the
# node and its lease.
_node_delete() {
  vkubectl delete pods --all-namespaces --field-selector "spec.nodeName=$1" --force --grace-period=0 || true
  vkubectl delete node "$1" --ignore-not-found || return 1
  vkubectl -n kube-node-lease delete lease "$1" --ignore-not-found || true
  wait_until "$VIOLATION_WAIT" "node $1 to be gone" _node_gone "$1"
}

# _nodes_tainted SELECTOR KEY WANT: every node matching SELECTOR (there is one at least) has
# (WANT true) or has not (WANT false) a NoSchedule taint KEY.
_nodes_tainted() {
  api_get "/api/v1/nodes?labelSelector=$1" | jq -e --arg key "$2" --argjson want "$3" \
    '[.items[] | any(.spec.taints[]?; .key == $key and .effect == "NoSchedule")] | length > 0 and all(. == $want)' >/dev/null
}

# _lease_renewed_since NAME MICROSECONDS: lease kube-system/NAME was renewed after that time.
_lease_renewed_since() {
  local renewed
  renewed=$(api_get "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/$1" | jq -r '.spec.renewTime // empty') &&
    [[ -n "$renewed" ]] && (($(date -d "$renewed" +%s%6N) > $2))
}

# _daemon_restart NAME START-FUNCTION: starts the control-plane daemon again and waits until
# it leads again (its leader-election lease renewed after the restart).
_daemon_restart() {
  local t0
  t0=$(now)
  daemon_alive "$1" || "$2"
  wait_until "$HEALTH_WAIT" "$1 to renew its lease in kube-system" _lease_renewed_since "$1" "$t0"
}

## The live violations

violation_apply_control_plane_schedulable() {
  vkubectl taint nodes -l node-role.kubernetes.io/control-plane node-role.kubernetes.io/control-plane:NoSchedule- || true
  wait_until "$VIOLATION_WAIT" "the control-plane taint to be gone" \
    _nodes_tainted node-role.kubernetes.io%2Fcontrol-plane node-role.kubernetes.io/control-plane false
}

violation_revert_control_plane_schedulable() {
  vkubectl taint nodes -l node-role.kubernetes.io/control-plane --overwrite node-role.kubernetes.io/control-plane:NoSchedule || return 1
  wait_until "$VIOLATION_WAIT" "the control-plane taint to be back" \
    _nodes_tainted node-role.kubernetes.io%2Fcontrol-plane node-role.kubernetes.io/control-plane true
}

_storefront_yaml() {
  cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: storefront
  labels:
    ra2cert.io/violation: consumer-workload-on-control-plane
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: storefront
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 2
      nodeSelector:
        node-role.kubernetes.io/control-plane: ""
      tolerations:
        - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
      containers:
        - name: web
          image: $REGISTRY/ra2cert/busybox:$1
          command: [sleep, "86400"]
YAML
}

_storefront_running() {
  kubectl_admin -n storefront get pods -o json 2>/dev/null | jq -e 'any(.items[]; .status.phase == "Running")' >/dev/null
}

violation_apply_consumer_workload_on_control_plane() {
  local tag
  tag=$("$REPO_ROOT/fixtures/images/busybox/build.sh" --tag) || return 1
  _storefront_yaml "$tag" | vkubectl apply -f - || return 1
  wait_until "$VIOLATION_WAIT" "storefront/web running on a control-plane node" _storefront_running
}

violation_revert_consumer_workload_on_control_plane() {
  vkubectl delete namespace storefront --ignore-not-found --wait=true --timeout=60s
}

_worker_profile_labelled() {
  api_get "/api/v1/nodes/$(node_name "$VIOLATED_NODE")" | jq -e '.metadata.labels["anuket.io/profile"] != null' >/dev/null
}
_worker_profile_unlabelled() { ! _worker_profile_labelled; }

violation_apply_worker_profile_label_missing() {
  vkubectl label node "$(node_name "$VIOLATED_NODE")" anuket.io/profile- || return 1
  wait_until "$VIOLATION_WAIT" "the profile label to be gone" _worker_profile_unlabelled
}

violation_revert_worker_profile_label_missing() {
  vkubectl label node "$(node_name "$VIOLATED_NODE")" --overwrite anuket.io/profile=network-intensive || return 1
  wait_until "$VIOLATION_WAIT" "the profile label to be back" _worker_profile_labelled
}

_worker_zone_is() {
  api_get "/api/v1/nodes/$(node_name "$VIOLATED_NODE")" |
    jq -e --arg z "$1" '.metadata.labels["topology.kubernetes.io/zone"] == $z' >/dev/null
}
ZONE_WITHOUT_CONTROL_PLANE=ra2cert-local-b

violation_apply_zone_without_control_plane() {
  vkubectl label node "$(node_name "$VIOLATED_NODE")" --overwrite \
    topology.kubernetes.io/zone="$ZONE_WITHOUT_CONTROL_PLANE" || return 1
  wait_until "$VIOLATION_WAIT" "the worker to be in zone $ZONE_WITHOUT_CONTROL_PLANE" \
    _worker_zone_is "$ZONE_WITHOUT_CONTROL_PLANE"
}

violation_revert_zone_without_control_plane() {
  vkubectl label node "$(node_name "$VIOLATED_NODE")" --overwrite topology.kubernetes.io/zone="$LOCAL_ZONE" || return 1
  wait_until "$VIOLATION_WAIT" "the worker to be back in zone $LOCAL_ZONE" _worker_zone_is "$LOCAL_ZONE"
}

# A dead old node (no kwok annotation: nothing keeps it Ready), status as its kubelet last
# posted it.
_stale_node_yaml() {
  cat <<YAML
apiVersion: v1
kind: Node
metadata:
  name: $STALE_NODE
  labels:
    kubernetes.io/hostname: $STALE_NODE
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node-role.kubernetes.io/worker: ""
    ra2cert.io/simulated: "true"
spec:
  taints:
  - {key: ra2cert.io/stale, value: "true", effect: NoSchedule}
status:
  addresses:
  - {type: InternalIP, address: "$NET_PREFIX.198"}
  - {type: Hostname, address: $STALE_NODE}
  capacity: {cpu: "2", memory: 8Gi, pods: "110", ephemeral-storage: 50Gi}
  allocatable: {cpu: "2", memory: 8Gi, pods: "110", ephemeral-storage: 50Gi}
  nodeInfo:
    operatingSystem: linux
    architecture: amd64
    osImage: "CentOS Linux 7 (Core)"
    kernelVersion: 3.10.0-1160.el7.x86_64
    kubeletVersion: v1.28.15
    kubeProxyVersion: v1.28.15
    containerRuntimeVersion: containerd://1.6.20
    machineID: "$STALE_NODE"
    systemUUID: "$STALE_NODE"
    bootID: "$STALE_NODE"
YAML
}

_stale_node_there() {
  api_get "/api/v1/nodes/$STALE_NODE" | jq -e '.status.nodeInfo.kernelVersion == "3.10.0-1160.el7.x86_64"' >/dev/null
}

violation_apply_stale_node() {
  # create, not apply: the API takes the status on create, and no annotation copies it.
  if _node_gone "$STALE_NODE"; then _stale_node_yaml | vkubectl create -f - || return 1; fi
  wait_until "$VIOLATION_WAIT" "node $STALE_NODE" _stale_node_there
}

violation_revert_stale_node() { _node_delete "$STALE_NODE"; }

# kwok keeps the 2016 node Ready. A cluster without --windows-nodes runs no kwok: one is
# started for the violation (certificate and RBAC as up makes them) and stopped by the revert.
_kwok_ensure() {
  daemon_alive kwok && return 0
  if [[ ! -f "$KCFG/kwok.kubeconfig" ]]; then
    _cert kwok "/CN=$KWOK_USER" clientAuth || return 1
    _kubeconfig "$KCFG/kwok.kubeconfig" "$KWOK_USER" kwok "$APISERVER_URL"
  fi
  windows_nodes_rbac_yaml | vkubectl apply -f - || return 1
  kwok_start
  touch "$VIOLATIONS_DIR/windows-node-2016/kwok-started"
}

violation_apply_windows_node_2016() {
  local version
  version=$(api_get /version | jq -r .gitVersion) || return 1
  _kwok_ensure || return 1
  if _node_gone "$WIN2016_NODE"; then
    windows_node_yaml "$WIN2016_NODE" "$NET_PREFIX.199" 10.0.14393 "Windows Server 2016 Datacenter (simulated)" "$version" |
      vkubectl create -f - || return 1
  fi
  wait_until "$VIOLATION_WAIT" "node $WIN2016_NODE Ready (kwok)" wait_nodes_ready "$WIN2016_NODE"
}

violation_revert_windows_node_2016() {
  _node_delete "$WIN2016_NODE" || return 1
  if [[ -f "$VIOLATIONS_DIR/windows-node-2016/kwok-started" ]]; then
    daemon_stop kwok || return 1
    rm -f "$PIDS/kwok.pid" "$VIOLATIONS_DIR/windows-node-2016/kwok-started"
  fi
}

violation_apply_windows_nodes_untainted() {
  vkubectl taint nodes -l kubernetes.io/os=windows os:NoSchedule- || true
  wait_until "$VIOLATION_WAIT" "the os=windows taint to be gone" _nodes_tainted kubernetes.io%2Fos%3Dwindows os false
}

violation_revert_windows_nodes_untainted() {
  vkubectl taint nodes -l kubernetes.io/os=windows --overwrite os=windows:NoSchedule || return 1
  wait_until "$VIOLATION_WAIT" "the os=windows taint to be back" _nodes_tainted kubernetes.io%2Fos%3Dwindows os true
}

violation_apply_scheduler_stopped() { daemon_stop kube-scheduler; }
violation_revert_scheduler_stopped() { _daemon_restart kube-scheduler scheduler_start; }

violation_apply_controller_manager_stopped() { daemon_stop kube-controller-manager; }
violation_revert_controller_manager_stopped() { _daemon_restart kube-controller-manager controller_manager_start; }

# _registry_refuses: nothing listens on the registry port any more (curl: connection refused).
_registry_refuses() {
  local rc=0
  curl -sS -o /dev/null --max-time 2 "http://$REGISTRY/v2/" 2>/dev/null || rc=$?
  ((rc == 7))
}

violation_apply_registry_unreachable() {
  daemon_stop registry || return 1
  wait_until "$VIOLATION_WAIT" "the registry on $REGISTRY to refuse connections" _registry_refuses
}

# Its storage under $STATE/registry is kept: the images are there again.
violation_revert_registry_unreachable() {
  daemon_alive registry || registry_start
  wait_until "$VIOLATION_WAIT" "the registry on $REGISTRY" curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY/v2/"
}

_gvisor_class_handler() {
  api_get /apis/node.k8s.io/v1/runtimeclasses/gvisor | jq -e --arg h "$1" '.handler == $h' >/dev/null
}

_gvisor_class_gone() { [[ "$(api_code /apis/node.k8s.io/v1/runtimeclasses/gvisor)" == 404 ]]; }

# _gvisor_class_recreate HANDLER: a RuntimeClass's handler cannot be changed in place.
_gvisor_class_recreate() {
  vkubectl delete runtimeclass gvisor --ignore-not-found || return 1
  printf 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: gvisor}\nhandler: %s\n' "$1" |
    vkubectl apply -f - || return 1
  wait_until "$VIOLATION_WAIT" "RuntimeClass gvisor with handler $1" _gvisor_class_handler "$1"
}

violation_apply_sandbox_handler_runc() { _gvisor_class_recreate runc; }
violation_revert_sandbox_handler_runc() { _gvisor_class_recreate runsc; }

violation_apply_sandbox_class_missing() {
  vkubectl delete runtimeclass gvisor --ignore-not-found || return 1
  wait_until "$VIOLATION_WAIT" "RuntimeClass gvisor to be gone" _gvisor_class_gone
}
violation_revert_sandbox_class_missing() { _gvisor_class_recreate runsc; }

# _privileged_pod_admitted: a privileged pod without a RuntimeClass passes admission in
# namespace default (a server-side dry run: admission decides, nothing is created).
_privileged_pod_admitted() {
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" -H 'Content-Type: application/json' -X POST \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ra2cert-policy-check"},"spec":{"containers":[{"name":"c","image":"busybox","securityContext":{"privileged":true}}]}}' \
    "$APISERVER_URL/api/v1/namespaces/default/pods?dryRun=All" 2>/dev/null || true)
  [[ "$code" == 201 ]]
}
_privileged_pod_refused() { ! _privileged_pod_admitted; }

# The operator wrote the policy but never bound it (or the binding was lost in an upgrade):
# privileged pods are admitted onto the node's kernel.
violation_apply_sandbox_policy_unbound() {
  vkubectl delete validatingadmissionpolicybinding "$SANDBOX_POLICY" --ignore-not-found || return 1
  wait_until "$VIOLATION_WAIT" "a privileged pod without RuntimeClass to be admitted" _privileged_pod_admitted
}
violation_revert_sandbox_policy_unbound() {
  addons_sandbox_policy_yaml | vkubectl apply -f - || return 1
  wait_until "$HEALTH_WAIT" "a privileged pod without RuntimeClass to be refused" _privileged_pod_refused
}

# The kubelet finds the runtime down (the CRI services are gone from the socket) and reports
# the node NotReady; the containers keep running under their shims.
violation_apply_containerd_cri_disabled() {
  local conf saved
  conf=$(node_dir "$VIOLATED_NODE")/containerd/config.toml
  saved=$VIOLATIONS_DIR/containerd-cri-disabled/config.toml
  [[ -f "$saved" ]] || cp -p "$conf" "$saved" || return 1
  awk '{ print } /^disabled_plugins = \[$/ { print "  \"io.containerd.grpc.v1.cri\"," }' "$saved" >"$conf"
  grep -q '"io.containerd.grpc.v1.cri",' "$conf" || return 1
  _containerd_restart "$VIOLATED_NODE" || return 1
  wait_until 90 "$(node_name "$VIOLATED_NODE") NotReady (runtime down)" _node_not_ready "$(node_name "$VIOLATED_NODE")"
}

violation_revert_containerd_cri_disabled() {
  local saved=$VIOLATIONS_DIR/containerd-cri-disabled/config.toml
  if [[ -f "$saved" ]]; then cp -p "$saved" "$(node_dir "$VIOLATED_NODE")/containerd/config.toml" || return 1; fi
  _containerd_restart "$VIOLATED_NODE"
}

# The runc handler of the violated node's containerd, changed the way an operator would change
# it: config.toml rewritten by SED-PROGRAM (from the copy saved on first apply), containerd
# restarted, the node Ready again. Containers already running keep their shims.
_runc_handler_change() {
  local name=$1 program=$2 conf saved
  conf=$(node_dir "$VIOLATED_NODE")/containerd/config.toml
  saved=$VIOLATIONS_DIR/$name/config.toml
  [[ -f "$saved" ]] || cp -p "$conf" "$saved" || return 1
  sed "$program" "$saved" >"$conf" || return 1
  if cmp -s "$saved" "$conf"; then
    echo "violation $name: $conf has no runc handler to change" >>"$LOGS/violations.log"
    return 1
  fi
  _containerd_restart "$VIOLATED_NODE" || return 1
  wait_until "$VIOLATION_WAIT" "$(node_name "$VIOLATED_NODE") Ready on the changed runtime" wait_nodes_ready "$(node_name "$VIOLATED_NODE")"
}

_runc_handler_restore() {
  local saved=$VIOLATIONS_DIR/$1/config.toml
  if [[ -f "$saved" ]]; then cp -p "$saved" "$(node_dir "$VIOLATED_NODE")/containerd/config.toml" || return 1; fi
  _containerd_restart "$VIOLATED_NODE"
}

# Every capability of Linux 6.x in bit order; a "grant everything" base spec lists those the
# node holds (CapBnd), as containerd does for privileged containers: runc refuses a
# capability outside its own bounding set.
ALL_CAPABILITIES=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL
  CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST
  CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT
  CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME
  CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE
  CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF
  CAP_CHECKPOINT_RESTORE)

# containerd's CRI builds each container's spec on top of the handler's base_runtime_spec and
# changes the capabilities only when the pod asks for some: a base spec granting every
# capability gives them to every container that asks for none.
violation_apply_runtime_base_spec_all_caps() {
  local spec=$VIOLATIONS_DIR/runtime-base-spec-all-caps/base-spec.json
  local bounding i held=()
  bounding=$((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)))
  for i in "${!ALL_CAPABILITIES[@]}"; do
    if (((bounding >> i) & 1)); then held+=("${ALL_CAPABILITIES[i]}"); fi
  done
  "$CTR_BIN" oci spec | jq --args '.process.capabilities = {bounding: $ARGS.positional,
    effective: $ARGS.positional, permitted: $ARGS.positional}' "${held[@]}" >"$spec" || return 1
  _runc_handler_change runtime-base-spec-all-caps \
    "/^ *\[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc\]\$/a\\        base_runtime_spec = \"$spec\""
}
violation_revert_runtime_base_spec_all_caps() { _runc_handler_restore runtime-base-spec-all-caps; }

# _runc_rewriter NAME FILTER: the runc handler's BinaryName becomes lib/runc-spec-rewriter.sh,
# installed with the jq FILTER it applies to every container's config.json.
_runc_rewriter() {
  local dir=$VIOLATIONS_DIR/$1
  install -m 755 "$HERE/lib/runc-spec-rewriter.sh" "$dir/runc" || return 1
  printf '%s\n' "$RUNC_BIN" >"$dir/real-runc" || return 1
  printf '%s\n' "$2" >"$dir/spec-filter.jq" || return 1
  _runc_handler_change "$1" "s|^\( *BinaryName = \)\"$RUNC_BIN\"|\1\"$dir/runc\"|"
}

violation_apply_runtime_ignores_security_context() {
  _runc_rewriter runtime-ignores-security-context '.process.user = {uid: 0, gid: 0}
    | .process.noNewPrivileges = false | .root.readonly = false
    | del(.linux.seccomp, .linux.maskedPaths, .linux.readonlyPaths)'
}
violation_revert_runtime_ignores_security_context() { _runc_handler_restore runtime-ignores-security-context; }

violation_apply_runtime_ignores_pod_namespaces() {
  _runc_rewriter runtime-ignores-pod-namespaces \
    '.linux.namespaces |= map(select(.type != "pid" and .type != "network" and .type != "ipc"))'
}
violation_revert_runtime_ignores_pod_namespaces() { _runc_handler_restore runtime-ignores-pod-namespaces; }

# containerd watches the CNI directory: without a config its CRI reports NetworkReady=false
# ("cni plugin not initialized") and the kubelet turns the node NotReady.
violation_apply_cni_config_removed() {
  local conf
  conf=$(node_dir "$VIOLATED_NODE")/cni/net.d/10-ra2cert.conflist
  if [[ -f "$conf" ]]; then mv "$conf" "$VIOLATIONS_DIR/cni-config-removed/" || return 1; fi
  wait_until "$VIOLATION_WAIT" "$(node_name "$VIOLATED_NODE") NotReady (no pod network)" _node_not_ready "$(node_name "$VIOLATED_NODE")"
}

# containerd 1.6 reloads the CNI config on write, rename and remove events in the directory
# but ignores create events, and a file moved in from elsewhere is only a create: the file is
# copied in under a name the CNI loader skips, then renamed in place.
violation_revert_cni_config_removed() {
  local saved=$VIOLATIONS_DIR/cni-config-removed/10-ra2cert.conflist netd
  netd=$(node_dir "$VIOLATED_NODE")/cni/net.d
  [[ -f "$saved" ]] || return 0
  cp -p "$saved" "$netd/.10-ra2cert.conflist.restoring" &&
    mv "$netd/.10-ra2cert.conflist.restoring" "$netd/10-ra2cert.conflist" && rm -f "$saved"
}

_coredns_pods_gone() {
  api_get '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns' | jq -e '.items | length == 0' >/dev/null
}

violation_apply_cluster_dns_down() {
  local saved=$VIOLATIONS_DIR/cluster-dns-down/replicas
  if [[ ! -s "$saved" ]]; then
    api_get /apis/apps/v1/namespaces/kube-system/deployments/coredns | jq -r .spec.replicas >"$saved" || return 1
  fi
  vkubectl -n kube-system scale deployment/coredns --replicas=0 || return 1
  wait_until "$VIOLATION_WAIT" "every CoreDNS pod to be gone" _coredns_pods_gone
}

violation_revert_cluster_dns_down() {
  local replicas
  replicas=$(cat "$VIOLATIONS_DIR/cluster-dns-down/replicas" 2>/dev/null || true)
  [[ "$replicas" =~ ^[1-9][0-9]*$ ]] || replicas=1
  vkubectl -n kube-system scale deployment/coredns --replicas="$replicas" || return 1
  vkubectl -n kube-system rollout status deployment/coredns --timeout="${VIOLATION_WAIT}s"
}

_node_iptables() { ip netns exec "$(node_name "$VIOLATED_NODE")" iptables -w "$@"; }

# _kubelet_port refuses|answers: seen from the host, as a metrics scraper would.
_kubelet_port() {
  local rc=0
  curl -sk -o /dev/null --max-time 2 "https://$(node_ip "$VIOLATED_NODE"):10250/healthz" 2>/dev/null || rc=$?
  if [[ "$1" == refuses ]]; then ((rc == 7)); else ((rc == 0)); fi
}

violation_apply_kubelet_port_blocked() {
  _node_iptables -C "${KUBELET_PORT_RULE[@]}" 2>/dev/null || _node_iptables -I "${KUBELET_PORT_RULE[@]}" || return 1
  wait_until "$VIOLATION_WAIT" "port 10250 of $(node_name "$VIOLATED_NODE") to refuse" _kubelet_port refuses
}

violation_revert_kubelet_port_blocked() {
  while _node_iptables -C "${KUBELET_PORT_RULE[@]}" 2>/dev/null; do
    _node_iptables -D "${KUBELET_PORT_RULE[@]}" || return 1
  done
  wait_until "$VIOLATION_WAIT" "port 10250 of $(node_name "$VIOLATED_NODE") to answer" _kubelet_port answers
}

_pods_dir() { echo "$(node_dir "$VIOLATED_NODE")/kubelet/root/pods"; }

_dir_read_only() {
  local probe=$1/.ra2cert-write-probe
  if touch "$probe" 2>/dev/null; then rm -f "$probe"; return 1; fi
}

# A read-only bind mount of the directory onto itself (existing pods keep running: their
# containers hold their volumes already). While it is there the kubelet mounts the volumes it
# re-checks again on top of it (the kubelet root is a shared mount, so they also appear below
# the original directory, tucked under the old ones); the revert unmounts them with it
# (umount -R, which propagates). `down` unmounts everything below $STATE anyway.
violation_apply_kubelet_pods_dir_read_only() {
  local d marker=$VIOLATIONS_DIR/kubelet-pods-dir-read-only/mounted
  d=$(_pods_dir)
  [[ -d "$d" ]] || { log "no $d"; return 1; }
  if [[ ! -f "$marker" ]]; then mount --bind "$d" "$d" && touch "$marker" || return 1; fi
  mount -o remount,bind,ro "$d" || return 1
  wait_until 10 "$d to be read-only" _dir_read_only "$d"
}

violation_revert_kubelet_pods_dir_read_only() {
  local d marker=$VIOLATIONS_DIR/kubelet-pods-dir-read-only/mounted
  d=$(_pods_dir)
  if [[ -f "$marker" ]]; then
    umount -R "$d" 2>>"$LOGS/violations.log" || umount -l "$d" || return 1
    rm -f "$marker"
  fi
  wait_until 10 "$d to be writable" _dir_writable "$d"
}

_dir_writable() { ! _dir_read_only "$1"; }

## The spin-up violations (hooks in node.sh and control-plane.sh)

FLATCAR_OS_RELEASE='NAME="Flatcar Container Linux by Kinvolk"
ID=flatcar
ID_LIKE=coreos
VERSION=3815.2.0
VERSION_ID=3815.2.0
SYSEXT_LEVEL=1.0
PRETTY_NAME="Flatcar Container Linux by Kinvolk 3815.2.0 (Oklo)"
ANSI_COLOR="38;5;75"
HOME_URL="https://flatcar.org/"
BUG_REPORT_URL="https://issues.flatcar.org"
FLATCAR_BOARD="amd64-usr"
CPE_NAME="cpe:2.3:o:flatcar-linux:flatcar_linux:3815.2.0:*:*:*:*:*:*:*"'

# Run inside the new mount namespace: $1 the os-release file, $2 an empty directory, then
# the command.
FLATCAR_MOUNTS='set -e
mount --bind "$1" /etc/os-release
mount --bind "$2" /var/lib/dpkg
if [ -d /var/lib/rpm ]; then mount --bind "$2" /var/lib/rpm; fi
shift 2
exec "$@"'

# violation_containerd_wrapper I: sets CONTAINERD_WRAP, the command containerd of node I is
# started under (empty: none).
# control-plane-os-flatcar: node 1's containerd, and with it every container on node 1, runs
# in its own mount namespace in which /etc/os-release says Flatcar and there is no dpkg or rpm
# database. The namespace is a slave of the host's: nothing mounted inside reaches the host,
# while the kubelet's volume mounts (below the node directory) reach containerd. That needs
# the node directory to be a shared mount, which it is made here (this host's / is private).
# The namespace goes with the last of containerd and its shims.
violation_containerd_wrapper() {
  CONTAINERD_WRAP=()
  (($1 == 1)) && violating control-plane-os-flatcar || return 0
  local dir=$VIOLATIONS_DIR/control-plane-os-flatcar nd
  nd=$(node_dir "$1")
  mkdir -p "$dir/empty"
  printf '%s\n' "$FLATCAR_OS_RELEASE" >"$dir/os-release"
  { mountpoint -q "$nd" || mount --bind "$nd" "$nd"; } && mount --make-shared "$nd" ||
    die "control-plane-os-flatcar: could not make $nd a shared mount" 3
  CONTAINERD_WRAP=(unshare --mount --propagation slave -- sh -c "$FLATCAR_MOUNTS" flatcar-mounts "$dir/os-release" "$dir/empty")
}

# violation_node_runtime I: runtime-containerd-1.6 puts node 2 on Debian 12's containerd 1.6 and
# runc 1.1 (runtime_select, into the caller's local runtime variables), as a node an operator
# left on the distribution's packages while the others were upgraded. Both read the same
# version-2 config.
violation_node_runtime() {
  (($1 == VIOLATED_NODE)) && violating runtime-containerd-1.6 || return 0
  runtime_select containerd-1.6
}

# etcd_members_layout: the members as "NAME:NODE_INDEX ..." for etcd_write_manifests
# (lib/control-plane.sh). Seeded violations: etcd-single-member keeps one member, as a
# cluster installed on one control-plane machine and never grown; etcd-member-on-worker puts
# the third member on node 2, a worker, as an operator with one control-plane machine
# borrowing a worker to reach three.
etcd_members_layout() {
  if violating etcd-single-member; then
    echo "a:1"
  elif violating etcd-member-on-worker; then
    echo "a:1 b:1 c:$VIOLATED_NODE"
  else
    echo "a:1 b:1 c:1"
  fi
}

# violation_node_kubelet I: kubelet-sidecars-disabled runs node 2 on a 1.32 kubelet with the
# SidecarContainers feature gate off (into the caller's local kubelet and kubelet_args), as a
# worker pool an operator held on the previous minor with the then-beta gate disabled while
# the control plane moved on (a skew Kubernetes allows). From 1.33 the gate is locked on.
SIDECARLESS_MINOR=1.32
_sidecarless_kubelet() {
  ls -d "$CACHE"/kubernetes-v$SIDECARLESS_MINOR.*/bin/kubelet 2>/dev/null | sort -V | tail -1
}
violation_node_kubelet() {
  (($1 == VIOLATED_NODE)) && violating kubelet-sidecars-disabled || return 0
  kubelet=$(_sidecarless_kubelet)
  kubelet_args+=(--feature-gates=SidecarContainers=false)
}

# violation_scheduler_args: scheduler-ignores-resources starts kube-scheduler from a
# configuration whose profile disables the NodeResourcesFit plugin (into the caller's local
# scheduler_args), as an operator who trimmed the default plugins: pods are bound to nodes
# that lack the CPU or memory they request, and the kubelets turn them away (OutOfcpu).
violation_scheduler_args() {
  violating scheduler-ignores-resources || return 0
  local dir=$VIOLATIONS_DIR/scheduler-ignores-resources
  mkdir -p "$dir"
  cat >"$dir/config.yaml" <<YAML
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $KCFG/scheduler.kubeconfig
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      disabled:
      - name: NodeResourcesFit
YAML
  scheduler_args=(--config "$dir/config.yaml")
}

# The runsc runtime is cut out of node 2's containerd config (its table and its options
# table, up to the next table that is not runsc's); containerd restarts and answers
# RunPodSandbox for handler runsc with an error, while runc pods keep running.
_runsc_unregistered() {
  ! grep -q 'containerd\.runtimes\.runsc\]' "$(node_dir "$VIOLATED_NODE")/containerd/config.toml"
}

violation_apply_sandbox_handler_unregistered() {
  local conf saved
  conf=$(node_dir "$VIOLATED_NODE")/containerd/config.toml
  saved=$VIOLATIONS_DIR/sandbox-handler-unregistered/config.toml
  [[ -f "$saved" ]] || cp -p "$conf" "$saved" || return 1
  awk '/^[[:space:]]*\[/ { skip = ($0 ~ /containerd\.runtimes\.runsc[].]/) } !skip { print }' "$saved" >"$conf"
  _runsc_unregistered || return 1
  _containerd_restart "$VIOLATED_NODE"
}

violation_revert_sandbox_handler_unregistered() {
  local saved=$VIOLATIONS_DIR/sandbox-handler-unregistered/config.toml
  if [[ -f "$saved" ]]; then cp -p "$saved" "$(node_dir "$VIOLATED_NODE")/containerd/config.toml" || return 1; fi
  _containerd_restart "$VIOLATED_NODE"
}

_metrics_server_gone() {
  api_get '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dmetrics-server' | jq -e '.items | length == 0' >/dev/null &&
    ! api_get /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io |
    jq -e 'any(.status.conditions[]?; .type == "Available" and .status == "True")' >/dev/null
}

# The Deployment as it was (without what the API server adds), so that the revert makes the
# same one again; the APIService, Service and RBAC stay, as an operator's removal leaves them.
violation_apply_metrics_server_removed() {
  local saved=$VIOLATIONS_DIR/metrics-server-removed/deployment.json
  if [[ ! -s "$saved" ]]; then
    api_get /apis/apps/v1/namespaces/kube-system/deployments/metrics-server |
      jq 'del(.status, .metadata.uid, .metadata.resourceVersion, .metadata.generation,
        .metadata.creationTimestamp, .metadata.managedFields)' >"$saved.new" &&
      mv "$saved.new" "$saved" || return 1
  fi
  vkubectl -n kube-system delete deployment/metrics-server --wait=false || return 1
  wait_until "$VIOLATION_WAIT" "every metrics-server pod to be gone and its APIService unavailable" _metrics_server_gone
}

violation_revert_metrics_server_removed() {
  local saved=$VIOLATIONS_DIR/metrics-server-removed/deployment.json
  if [[ "$(api_code /apis/apps/v1/namespaces/kube-system/deployments/metrics-server)" != 200 ]]; then
    [[ -s "$saved" ]] || { echo "metrics-server-removed: no saved Deployment in $saved" >>"$LOGS/violations.log"; return 1; }
    vkubectl create -f "$saved" || return 1
  fi
  vkubectl -n kube-system rollout status deployment/metrics-server --timeout="${VIOLATION_WAIT}s" || return 1
  # Answering again takes the provider's first scrape of every kubelet.
  wait_until "$HEALTH_WAIT" "metrics-server to serve metrics.k8s.io again" addons_metrics_server_available
}

# nfd-not-deployed: Node Feature Discovery uninstalled the way its docs say (its namespace
# deleted, then what it published on the nodes pruned), leaving its CRDs: a cluster without NFD.
_nfd_namespace_gone() { [[ "$(api_code "/api/v1/namespaces/$NFD_NAMESPACE")" == 404 ]]; }
_nfd_published_on_nodes() {
  api_get /api/v1/nodes | jq -r '.items[] | .metadata.name as $n |
    ((.metadata.labels // {}) | keys[] | select(startswith("feature.node.kubernetes.io/")) | "\($n) label \(.)"),
    ((.metadata.annotations // {}) | keys[] | select(startswith("nfd.node.kubernetes.io/")) | "\($n) annotate \(.)")'
}
_nfd_nothing_published() { [[ -z "$(_nfd_published_on_nodes)" ]]; }

violation_apply_nfd_not_deployed() {
  local node kind key
  vkubectl delete namespace "$NFD_NAMESPACE" --wait=false || return 1
  wait_until "$VIOLATION_WAIT" "namespace $NFD_NAMESPACE to be gone" _nfd_namespace_gone || return 1
  while read -r node kind key; do
    [[ -n "$node" ]] && vkubectl "$kind" node "$node" "$key-" >/dev/null
  done < <(_nfd_published_on_nodes)
  wait_until "$VIOLATION_WAIT" "no node to carry NFD's labels" _nfd_nothing_published
}

violation_revert_nfd_not_deployed() {
  NFD_TAG=$NFD addons_nfd_yaml | vkubectl apply -f - || return 1
  wait_until "$VIOLATION_WAIT" "Node Feature Discovery to label every Linux node" addons_nfd_labelled
}
