# Simulated Windows worker nodes (cluster.sh up --windows-nodes N): Node objects
# ra2cert-win<i>, labelled and tainted as Windows Server 2019 workers, kept Ready by kwok
# (sigs.k8s.io/kwok, built from its Go module by components/build-kwok.sh).
#
# kwok gets node stages only (initialize: conditions Ready; heartbeat: leases in
# kube-node-lease) and no pod stage, so it never touches a pod: the real scheduler binds pods
# to these nodes, and they stay Pending there for good. Its ClusterRole allows reading pods
# but not writing them, so this holds even against a misconfiguration. Pods bound to these
# nodes need a forced delete (no kubelet confirms a graceful one).
# Every node says what it is: label ra2cert.io/simulated=true, annotation
# ra2cert.io/simulated-by=kwok (the selector kwok manages nodes by).
# Sourced by cluster.sh; needs common.sh and pki.sh. kwok runs as a daemon in the host's
# network namespace (it only talks to the API), so `down` kills it with the rest.

: "${WINDOWS_NODES:=0}"
WIN_PREFIX=ra2cert-win         # node name of simulated Windows node i: ra2cert-win<i>
WIN_BUILD=10.0.17763           # Windows Server 2019, the oldest build RA2 accepts
KWOK_USER=ra2cert:kwok
KWOK_DIR=$STATE/kwok

win_node_name() { echo "$WIN_PREFIX$1"; }
win_node_ip() { echo "$NET_PREFIX.$((200 + $1))"; }   # never configured anywhere: nothing answers

# RA2CERT_KWOK (a kwok binary), else the newest $CACHE/kwok-*/bin/kwok.
kwok_bin() { if [[ -n "${RA2CERT_KWOK:-}" ]]; then echo "$RA2CERT_KWOK"; else newest_cache_bin kwok kwok; fi; }

windows_nodes_check() {
  ((WINDOWS_NODES > 0)) || return 0
  local kwok
  kwok=$(kwok_bin)
  [[ -n "$kwok" && -x "$kwok" ]] ||
    die "--windows-nodes needs kwok: none in $CACHE/kwok-*/bin; run environments/local/components/build-kwok.sh (or set RA2CERT_KWOK)" 3
}

# Its own client certificate and kubeconfig; its rights come from the ClusterRole below.
windows_nodes_pki() {
  ((WINDOWS_NODES > 0)) || return 0
  _cert kwok "/CN=$KWOK_USER" clientAuth
  _kubeconfig "$KCFG/kwok.kubeconfig" "$KWOK_USER" kwok "$APISERVER_URL"
}

# What a node simulator needs: its nodes, their status and leases, events. Pods: read only.
windows_nodes_rbac_yaml() {
  cat <<YAML
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "$KWOK_USER"}
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch, patch, update]
- apiGroups: [""]
  resources: [nodes/status]
  verbs: [get, patch, update]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "$KWOK_USER"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "$KWOK_USER"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "$KWOK_USER"}
YAML
}

# The Node objects, status included (the API takes a node's status on create; kwok's
# initialize stage keeps nodeInfo, addresses and capacity that are already there).
# kubeletVersion is the API server's, so version-skew checks see a plausible node.
windows_nodes_yaml() {
  local i version=$1
  for ((i = 1; i <= WINDOWS_NODES; i++)); do
    windows_node_yaml "$(win_node_name "$i")" "$(win_node_ip "$i")" "$WIN_BUILD" \
      "Windows Server 2019 Datacenter (simulated by kwok)" "$version"
  done
}

# windows_node_yaml NAME IP BUILD OS-IMAGE VERSION: one simulated Windows worker (also used by
# the seeded violation windows-node-2016 in lib/violations.sh).
windows_node_yaml() {
  local name=$1 ip=$2 build=$3 image=$4 version=$5
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: windows
    kubernetes.io/arch: amd64
    topology.kubernetes.io/region: $LOCAL_REGION
    topology.kubernetes.io/zone: $LOCAL_ZONE
    node.kubernetes.io/windows-build: "$build"
    node-role.kubernetes.io/worker: ""
    anuket.io/profile: basic
    ra2cert.io/simulated: "true"
  annotations:
    ra2cert.io/simulated-by: kwok
    node.alpha.kubernetes.io/ttl: "0"
spec:
  taints:
  - {key: os, value: windows, effect: NoSchedule}
status:
  addresses:
  - {type: InternalIP, address: "$ip"}
  - {type: Hostname, address: $name}
  capacity: {cpu: "4", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
  allocatable: {cpu: 3800m, memory: 15Gi, pods: "110", ephemeral-storage: 95Gi}
  nodeInfo:
    operatingSystem: windows
    architecture: amd64
    osImage: "$image"
    kernelVersion: "$build.0"
    kubeletVersion: "$version"
    kubeProxyVersion: "$version"
    containerRuntimeVersion: "kwok://simulated"
    machineID: "$name"
    systemUUID: "$name"
    bootID: "$name"
YAML
}

# kwok's configuration: node stages only, upstream's node-initialize and
# node-heartbeat-with-lease (kustomize/stage/node in sigs.k8s.io/kwok v0.8.0) cut down to the
# conditions (kwok patches status with a strategic merge, so the addresses, capacity and
# nodeInfo written at create stay). No pod stage: kwok then starts no pod controller at all.
windows_nodes_stages_yaml() {
  cat <<'YAML'
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-initialize
spec:
  resourceRef:
    apiGroup: v1
    kind: Node
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: 'NotIn'
      values:
      - 'True'
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $lastTransitionTime | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type  | Quote}}
      {{ end }}
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat-with-lease
spec:
  resourceRef:
    apiGroup: v1
    kind: Node
  selector:
    matchExpressions:
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: 'In'
      values:
      - 'True'
  delay:
    durationMilliseconds: 600000
    jitterDurationMilliseconds: 610000
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $lastTransitionTime | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}
YAML
}

# windows_nodes_start: once the API answers, the RBAC, the nodes, then kwok.
windows_nodes_start() {
  ((WINDOWS_NODES > 0)) || return 0
  local version
  version=$(api_get /version | jq -r .gitVersion) || return 1
  # create, not apply: no last-applied annotation carrying a copy of the status.
  { windows_nodes_rbac_yaml; windows_nodes_yaml "$version"; } |
    kubectl_admin create -f - >>"$LOGS/addons.log" 2>&1 || return 1
  kwok_start
}

# kwok_start: the daemon, with its stages (it needs windows_nodes_pki and the RBAC first).
kwok_start() {
  mkdir -p "$KWOK_DIR"
  windows_nodes_stages_yaml >"$KWOK_DIR/kwok.yaml"
  # HOME: kwok reads ~/.kwok/kwok.yaml by default; this one sees only its own config.
  run_daemon kwok "" env HOME="$KWOK_DIR" "$(kwok_bin)" \
    --kubeconfig "$KCFG/kwok.kubeconfig" --config "$KWOK_DIR/kwok.yaml" \
    --manage-nodes-with-annotation-selector ra2cert.io/simulated-by=kwok \
    --node-lease-duration-seconds 40
}
