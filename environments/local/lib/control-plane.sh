# The control plane, inside node 1's network namespace: etcd (static pods, below),
# kube-apiserver (on every node-1 address, so the host reaches it at the node-1 bridge
# address), kube-controller-manager and kube-scheduler. Sourced by cluster.sh; needs common.sh.

# etcd: three members, each a static pod of a control-plane node's kubelet (kubeadm's
# layout: mirror pods etcd-<member>-<node> in kube-system, labels component=etcd and
# tier=control-plane), from the image of the etcd the components step built from its Go
# module. Members talk to each other over the node addresses, clients (the API server) use
# TLS. Seeded violations change the layout (lib/violations.sh: etcd_members_layout).

# etcd_members: one line per member, "NAME NODE_INDEX CLIENT_PORT PEER_PORT METRICS_PORT".
etcd_members() {
  local layout=${ETCD_LAYOUT:-a:1 b:1 c:1} m k=0
  for m in $layout; do
    echo "${m%%:*} ${m##*:} $((2379 + 100 * k)) $((2380 + 100 * k)) $((2381 + 100 * k))"
    k=$((k + 1))
  done
}

# etcd_servers: the API server's --etcd-servers.
etcd_servers() {
  local name node client rest out=
  while read -r name node client rest; do out+=${out:+,}https://$(node_ip "$node"):$client; done < <(etcd_members)
  echo "$out"
}

# etcd_image: the image reference the members run (imported into their nodes' containerd).
etcd_image() { echo "$REGISTRY/ra2cert/etcd:$("$REPO_ROOT/fixtures/images/etcd/build.sh" --tag)"; }

# etcd_nodes: the node indexes that host a member, once each.
etcd_nodes() { etcd_members | awk '{ print $2 }' | sort -un; }

# etcd_write_manifests: each member's data dir and static pod manifest, under its node.
etcd_write_manifests() {
  local name node client peer metrics initial= image dir
  ETCD_LAYOUT=$(etcd_members_layout)
  echo "ETCD_LAYOUT='$ETCD_LAYOUT'" >>"$STATE/cluster.env"
  image=$(etcd_image)
  while read -r name node client peer metrics; do
    initial+=${initial:+,}etcd-$name=http://$(node_ip "$node"):$peer
  done < <(etcd_members)
  mkdir -p "$STATE/etcd/pki"
  chmod 700 "$STATE/etcd"
  cp "$PKI/ca.crt" "$PKI/etcd-server.crt" "$PKI/etcd-server.key" "$STATE/etcd/pki/"
  while read -r name node client peer metrics; do
    dir=$(node_dir "$node")/kubelet/manifests
    mkdir -p "$dir" "$STATE/etcd/$name"
    local ip
    ip=$(node_ip "$node")
    cat >"$dir/etcd-$name.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: etcd-$name
  namespace: kube-system
  labels: {component: etcd, tier: control-plane}
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://$ip:$client
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
  - name: etcd
    image: $image
    imagePullPolicy: IfNotPresent
    command:
    - /usr/local/bin/etcd
    - --name=etcd-$name
    - --data-dir=/var/lib/etcd
    - --listen-client-urls=https://127.0.0.1:$client,https://$ip:$client
    - --advertise-client-urls=https://$ip:$client
    - --listen-peer-urls=http://$ip:$peer
    - --initial-advertise-peer-urls=http://$ip:$peer
    - --initial-cluster=$initial
    - --initial-cluster-state=new
    - --initial-cluster-token=ra2cert-local
    - --listen-metrics-urls=http://127.0.0.1:$metrics
    - --cert-file=/etc/etcd/pki/etcd-server.crt
    - --key-file=/etc/etcd/pki/etcd-server.key
    - --trusted-ca-file=/etc/etcd/pki/ca.crt
    - --client-cert-auth=true
    - --snapshot-count=10000
    # Two busy cores host every member: a slower beat than etcd's 100 ms keeps a loaded
    # machine from setting off elections.
    - --heartbeat-interval=250
    - --election-timeout=2500
    readinessProbe:
      httpGet: {host: 127.0.0.1, port: $metrics, path: /health}
      periodSeconds: 2
    volumeMounts:
    - {name: data, mountPath: /var/lib/etcd}
    - {name: pki, mountPath: /etc/etcd/pki, readOnly: true}
  volumes:
  - name: data
    hostPath: {path: $STATE/etcd/$name, type: DirectoryOrCreate}
  - name: pki
    hostPath: {path: $STATE/etcd/pki, type: Directory}
YAML
  done < <(etcd_members)
}

# node_import_image I NAME: image NAME of fixtures/images into node I's containerd, named as
# if pulled from $REGISTRY, so that its kubelet can start the etcd members before any
# registry or API server is there (kubeadm pre-pulls its images the same way). The
# sandbox (pause) image goes first: every pod needs it.
node_import_image() {
  local i=$1 name=$2 layout tag archive listed
  local ctr=("$CTR_BIN" --address "$(node_dir "$i")/containerd/containerd.sock" -n k8s.io)
  layout=$("$REPO_ROOT/fixtures/images/$name/build.sh" | tail -n1) || return 1
  tag=$("$REPO_ROOT/fixtures/images/$name/build.sh" --tag) || return 1
  archive=$STATE/etcd/$name-image.tar
  [[ -f "$archive" ]] || tar -C "$layout" -cf "$archive" . || return 1
  "${ctr[@]}" images import --base-name "$REGISTRY/ra2cert/$name" "$archive" >>"$LOGS/etcd-image.log" 2>&1 || return 1
  # The list is read whole: `ctr ... | grep -q` under pipefail fails when grep stops early.
  listed=$("${ctr[@]}" images ls -q 2>>"$LOGS/etcd-image.log") || return 1
  grep -qxF "$REGISTRY/ra2cert/$name:$tag" <<<"$listed" ||
    { echo "image $REGISTRY/ra2cert/$name:$tag not listed after the import: $listed" >>"$LOGS/etcd-image.log"; return 1; }
}

# etcd_start: the kubelets of the nodes that host a member start now, with the images
# imported, and run the members as static pods.
etcd_start() {
  local i
  etcd_write_manifests
  for i in $(etcd_nodes); do
    wait_until 20 "containerd on $(node_name "$i")" containerd_ready "$i" ||
      die "containerd on $(node_name "$i") did not start: $(daemon_why "$(node_name "$i")-containerd")" 3
    node_import_image "$i" pause && node_import_image "$i" etcd ||
      die "importing the pause and etcd images into $(node_name "$i")'s containerd failed; see $LOGS/etcd-image.log" 3
    kubelet_start "$i"
  done
}

# etcd_mirrors_ready: every member shows in the API as a Ready mirror pod.
etcd_mirrors_ready() {
  api_get "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd" |
    jq -e --argjson n "$(etcd_members | wc -l)" '[.items[] | select(any(.status.conditions[]?;
      .type == "Ready" and .status == "True"))] | length == $n' >/dev/null
}

# etcd_healthy: a quorum answers (member a's health endpoint says so).
etcd_healthy() {
  local name node client peer metrics health
  read -r name node client peer metrics < <(etcd_members)
  health=$(nsenter --net="/run/netns/$(node_name "$node")" curl -fsS --max-time 1 "http://127.0.0.1:$metrics/health") &&
    [[ "$health" == *'"health":"true"'* ]]
}

apiserver_start() {
  local violations=()
  # Seeded violation events-api-disabled (lib/violations.sh): the GA events API is not served.
  if violating events-api-disabled; then violations+=(--runtime-config=events.k8s.io/v1=false); fi
  # Seeded violation apiserver-all-api-versions: every alpha and beta API version served.
  if violating apiserver-all-api-versions; then violations+=(--runtime-config=api/alpha=true,api/beta=true); fi
  # Seeded violation apiserver-ga-api-disabled: a GA API version turned off.
  if violating apiserver-ga-api-disabled; then violations+=(--runtime-config=autoscaling/v1=false); fi
  run_daemon kube-apiserver "$(node_name 1)" "$K8S_BIN/kube-apiserver" \
    --advertise-address "$APISERVER_IP" --bind-address 0.0.0.0 --secure-port "$APISERVER_PORT" \
    --etcd-servers "$(etcd_servers)" --etcd-cafile "$PKI/ca.crt" \
    --etcd-certfile "$PKI/apiserver-etcd-client.crt" --etcd-keyfile "$PKI/apiserver-etcd-client.key" \
    --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --api-audiences "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --allow-privileged=true --profiling=false \
    --audit-log-path "$LOGS/kube-apiserver-audit.log" --audit-policy-file "$STATE/audit-policy.yaml" \
    --audit-log-maxsize 100 --audit-log-maxbackup 1 "${violations[@]}"
}

apiserver_ready() { curl -fsS --max-time 1 --cacert "$PKI/ca.crt" "$APISERVER_URL/readyz" >/dev/null 2>&1; }

controller_manager_start() {
  local k=$KCFG/controller-manager.kubeconfig
  run_daemon kube-controller-manager "$(node_name 1)" "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$k" --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
    --bind-address 127.0.0.1 --profiling=false \
    --use-service-account-credentials=true --root-ca-file "$PKI/ca.crt" \
    --service-account-private-key-file "$PKI/sa.key" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$CLUSTER_CIDR" --allocate-node-cidrs=false \
    --cluster-name ra2cert-local
}

scheduler_start() {
  local k=$KCFG/scheduler.kubeconfig node=1 scheduler_args=(--kubeconfig "$KCFG/scheduler.kubeconfig")
  # Seeded violations (lib/violations.sh): scheduler-on-worker runs the scheduler on node 2,
  # scheduler-ignores-resources gives it a configuration without NodeResourcesFit.
  if violating scheduler-on-worker; then node=$VIOLATED_NODE; fi
  violation_scheduler_args
  run_daemon kube-scheduler "$(node_name "$node")" "$K8S_BIN/kube-scheduler" "${scheduler_args[@]}" \
    --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
    --bind-address 127.0.0.1 --profiling=false
}

# Metadata-level audit of everything but the noisiest read-only traffic.
audit_policy_write() {
  cat >"$STATE/audit-policy.yaml" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  verbs: [get, list, watch]
  users: [system:kube-proxy, system:kube-scheduler, system:kube-controller-manager]
- level: None
  nonResourceURLs: [/healthz*, /readyz*, /livez*, /version]
- level: None
  resources: [{group: coordination.k8s.io, resources: [leases]}]
- level: Metadata
YAML
}
