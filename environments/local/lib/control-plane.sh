# The control plane, all inside node 1's network namespace: etcd (client TLS on 127.0.0.1),
# kube-apiserver (on every node-1 address, so the host reaches it at the node-1 bridge
# address), kube-controller-manager and kube-scheduler. Sourced by cluster.sh; needs common.sh.

# etcd_pick: Debian's etcd 3.4 unless told otherwise (RA2CERT_ETCD=/path) or unusable.
etcd_pick() {
  if [[ -n "${RA2CERT_ETCD:-}" ]]; then echo "$RA2CERT_ETCD"; return; fi
  if [[ -x /usr/bin/etcd ]]; then echo /usr/bin/etcd; return; fi
  newest_cache_bin etcd etcd
}

etcd_start() {
  local etcd
  etcd=$(etcd_pick)
  [[ -n "$etcd" ]] || die "no etcd: install etcd-server or run environments/local/components/build-etcd.sh"
  echo "$etcd" >"$STATE/etcd-binary"
  mkdir -p "$STATE/etcd"
  chmod 700 "$STATE/etcd"
  run_daemon etcd "$(node_name 1)" "$etcd" --name "$(node_name 1)" --data-dir "$STATE/etcd/data" \
    --listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$(node_name 1)=http://127.0.0.1:2380" --initial-cluster-state new \
    --listen-metrics-urls http://127.0.0.1:2381 \
    --cert-file "$PKI/etcd-server.crt" --key-file "$PKI/etcd-server.key" \
    --client-cert-auth --trusted-ca-file "$PKI/ca.crt" --snapshot-count 10000
}

apiserver_start() {
  local violations=()
  # Seeded violation events-api-disabled (lib/violations.sh): the GA events API is not served.
  if violating events-api-disabled; then violations+=(--runtime-config=events.k8s.io/v1=false); fi
  # Seeded violation apiserver-all-api-versions: every alpha and beta API version served.
  if violating apiserver-all-api-versions; then violations+=(--runtime-config=api/alpha=true,api/beta=true); fi
  run_daemon kube-apiserver "$(node_name 1)" "$K8S_BIN/kube-apiserver" \
    --advertise-address "$APISERVER_IP" --bind-address 0.0.0.0 --secure-port "$APISERVER_PORT" \
    --etcd-servers https://127.0.0.1:2379 --etcd-cafile "$PKI/ca.crt" \
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
  local k=$KCFG/scheduler.kubeconfig
  run_daemon kube-scheduler "$(node_name 1)" "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$k" --authentication-kubeconfig "$k" --authorization-kubeconfig "$k" \
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
