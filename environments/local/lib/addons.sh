# What the cluster needs once the API answers: the Node objects with roles, taints and pod
# CIDRs (made before the kubelets register, so nothing can be scheduled on node 1 before its
# taint exists), the apiserver's access to kubelets, RuntimeClasses, and CoreDNS serving the
# cluster domain only (no forward plugin: names outside the cluster are never looked up).
# Sourced by cluster.sh; needs common.sh.

addons_nodes_yaml() {
  local i name
  for ((i = 1; i <= NODES; i++)); do
    name=$(node_name "$i")
    cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
YAML
    if ((i == 1)); then
      cat <<YAML
    node-role.kubernetes.io/control-plane: ""
    node.kubernetes.io/exclude-from-external-load-balancers: ""
spec:
  podCIDR: $(pod_cidr "$i")
  podCIDRs: [$(pod_cidr "$i")]
  taints:
  - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
YAML
    else
      cat <<YAML
    node-role.kubernetes.io/worker: ""
spec:
  podCIDR: $(pod_cidr "$i")
  podCIDRs: [$(pod_cidr "$i")]
YAML
    fi
  done
}

addons_base_yaml() {
  cat <<YAML
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ra2cert:apiserver-kubelet-client}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: kube-apiserver-kubelet-client}
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: runc}
handler: runc
YAML
  if [[ -n "$(gvisor_bin_dir || true)" ]]; then
    cat <<YAML
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
YAML
  fi
}

addons_coredns_yaml() {
  cat <<YAML
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:coredns}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}
subjects:
- {kind: ServiceAccount, name: coredns, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health {
            lameduck 2s
        }
        ready
        kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        prometheus :9153
        cache 30
        loop
        reload
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: kube-dns}
  template:
    metadata:
      labels: {k8s-app: kube-dns}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
      - {key: CriticalAddonsOnly, operator: Exists}
      containers:
      - name: coredns
        image: $REGISTRY/ra2cert/coredns:$COREDNS_TAG
        args: [-conf, /etc/coredns/Corefile]
        resources:
          requests: {cpu: 50m, memory: 50Mi}
          limits: {memory: 170Mi}
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        - {name: metrics, containerPort: 9153, protocol: TCP}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
          readOnlyRootFilesystem: true
        volumeMounts:
        - {name: config, mountPath: /etc/coredns, readOnly: true}
        livenessProbe:
          httpGet: {path: /health, port: 8080}
          initialDelaySeconds: 10
          periodSeconds: 10
        readinessProbe:
          httpGet: {path: /ready, port: 8181}
          periodSeconds: 1
      volumes:
      - name: config
        configMap:
          name: coredns
          items: [{key: Corefile, path: Corefile}]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  selector: {k8s-app: kube-dns}
  clusterIP: $DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
  - {name: metrics, port: 9153, protocol: TCP}
YAML
}

# addons_nodes: creates the Node objects; a node whose kubelet got there first is patched.
addons_nodes() {
  addons_nodes_yaml | kubectl_admin create -f - >>"$LOGS/addons.log" 2>&1 && return 0
  local i name taint
  for ((i = 1; i <= NODES; i++)); do
    name=$(node_name "$i")
    if ((i == 1)); then
      kubectl_admin label node "$name" --overwrite node-role.kubernetes.io/control-plane= \
        node.kubernetes.io/exclude-from-external-load-balancers= >>"$LOGS/addons.log" 2>&1 || return 1
      kubectl_admin taint node "$name" --overwrite node-role.kubernetes.io/control-plane:NoSchedule >>"$LOGS/addons.log" 2>&1 || return 1
    else
      kubectl_admin label node "$name" --overwrite node-role.kubernetes.io/worker= >>"$LOGS/addons.log" 2>&1 || return 1
    fi
    kubectl_admin patch node "$name" --type merge \
      -p "{\"spec\":{\"podCIDR\":\"$(pod_cidr "$i")\",\"podCIDRs\":[\"$(pod_cidr "$i")\"]}}" >>"$LOGS/addons.log" 2>&1 || true
  done
}

addons_apply() {
  { addons_base_yaml; if [[ -n "${COREDNS_TAG:-}" ]]; then addons_coredns_yaml; fi; } |
    kubectl_admin apply -f - >>"$LOGS/addons.log" 2>&1
}
