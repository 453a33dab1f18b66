# What the cluster needs once the API answers: the Node objects with roles, taints and pod
# CIDRs (made before the kubelets register, so nothing can be scheduled on node 1 before its
# taint exists), the apiserver's access to kubelets, RuntimeClasses, and CoreDNS serving the
# cluster domain only (no forward plugin: names outside the cluster are never looked up), and
# metrics-server serving the resource metrics API.
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
    topology.kubernetes.io/region: $LOCAL_REGION
    topology.kubernetes.io/zone: $LOCAL_ZONE
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
    anuket.io/profile: network-intensive
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

# The compliant answer to RA2 4.4's rule that privileged workloads run only under a sandboxed
# runtime, the way an operator would enforce it: a ValidatingAdmissionPolicy (GA since 1.30)
# refusing, outside kube-system, any pod that asks for privilege (a privileged container, a
# host namespace, or a capability that reaches the host's kernel) unless it runs under the
# gVisor RuntimeClass. Only with gVisor: without a sandbox the rule cannot be met at all.
SANDBOX_POLICY=ra2cert-privileged-pods-sandboxed
addons_sandbox_policy_yaml() {
  [[ -n "$(gvisor_bin_dir || true)" ]] || return 0
  cat <<YAML
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: $SANDBOX_POLICY}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [pods, pods/ephemeralcontainers]
  variables:
  - name: hostKernelCapabilities
    expression: >-
      ['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT',
      'SYS_TIME', 'BPF', 'PERFMON', 'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE']
  - name: privilegedContainers
    expression: >-
      object.spec.containers.exists(c, has(c.securityContext) &&
        ((has(c.securityContext.privileged) && c.securityContext.privileged) ||
         (has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) &&
          c.securityContext.capabilities.add.exists(a,
            a.upperAscii().replace('CAP_', '') in variables.hostKernelCapabilities))))
      || (has(object.spec.initContainers) && object.spec.initContainers.exists(c,
        has(c.securityContext) &&
        ((has(c.securityContext.privileged) && c.securityContext.privileged) ||
         (has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) &&
          c.securityContext.capabilities.add.exists(a,
            a.upperAscii().replace('CAP_', '') in variables.hostKernelCapabilities)))))
      || (has(object.spec.ephemeralContainers) && object.spec.ephemeralContainers.exists(c,
        has(c.securityContext) &&
        ((has(c.securityContext.privileged) && c.securityContext.privileged) ||
         (has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) &&
          c.securityContext.capabilities.add.exists(a,
            a.upperAscii().replace('CAP_', '') in variables.hostKernelCapabilities)))))
  - name: hostNamespaces
    expression: >-
      (has(object.spec.hostPID) && object.spec.hostPID) ||
      (has(object.spec.hostIPC) && object.spec.hostIPC) ||
      (has(object.spec.hostNetwork) && object.spec.hostNetwork)
  validations:
  - expression: >-
      !(variables.privilegedContainers || variables.hostNamespaces) ||
      (has(object.spec.runtimeClassName) && object.spec.runtimeClassName == 'gvisor')
    reason: Forbidden
    message: >-
      a pod asking for privilege (a privileged container, a host namespace or a capability
      such as SYS_ADMIN) runs here only in the gVisor sandbox: set spec.runtimeClassName: gvisor
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: $SANDBOX_POLICY}
spec:
  policyName: $SANDBOX_POLICY
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchExpressions:
      - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
YAML
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

# metrics-server serves the resource metrics API (metrics.k8s.io) through the aggregation
# layer (the front-proxy flags of apiserver_start). Both of its TLS links are verified: the
# API server checks metrics-server's serving certificate against the cluster CA (the
# APIService's caBundle; the certificate is made here from that CA), and metrics-server checks
# each kubelet's serving certificate (pki.sh: kubelet-<i>-serving, signed by the cluster CA,
# the node's InternalIP in its SANs) against the CA that every namespace's kube-root-ca.crt
# ConfigMap carries. So no --kubelet-insecure-tls.
METRICS_SERVER_DNS=metrics-server.kube-system.svc

# addons_metrics_server_cert: its serving key and certificate in $PKI, made once.
addons_metrics_server_cert() {
  [[ -s "$PKI/metrics-server.crt" && -s "$PKI/metrics-server.key" ]] && return 0
  _cert metrics-server "/CN=$METRICS_SERVER_DNS" serverAuth \
    "DNS:$METRICS_SERVER_DNS,DNS:$METRICS_SERVER_DNS.$CLUSTER_DOMAIN"
}

addons_metrics_server_yaml() {
  cat <<YAML
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
---
apiVersion: v1
kind: Secret
metadata: {name: metrics-server-serving, namespace: kube-system, labels: {k8s-app: metrics-server}}
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$PKI/metrics-server.crt")
  tls.key: $(base64 -w0 "$PKI/metrics-server.key")
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    k8s-app: metrics-server
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:metrics-server, labels: {k8s-app: metrics-server}}
rules:
- apiGroups: [""]
  resources: [nodes/metrics]
  verbs: [get]
- apiGroups: [""]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: metrics-server-auth-reader, namespace: kube-system, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics-server:system:auth-delegator, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:metrics-server, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:metrics-server}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: metrics-server}
  template:
    metadata:
      labels: {k8s-app: metrics-server}
    spec:
      serviceAccountName: metrics-server
      priorityClassName: system-cluster-critical
      nodeSelector: {kubernetes.io/os: linux}
      # As CoreDNS: a one-node cluster has only its control-plane node to run it on.
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        runAsGroup: 65534
        fsGroup: 65534
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: metrics-server
        image: $REGISTRY/ra2cert/metrics-server:$METRICS_SERVER_TAG
        args:
        # Not upstream's 10250: the kubelet's port, which a node-level firewall rule (the
        # kubelet-port-blocked violation) must be able to close without touching this pod.
        - --secure-port=4443
        - --tls-cert-file=/etc/metrics-server/tls/tls.crt
        - --tls-private-key-file=/etc/metrics-server/tls/tls.key
        - --kubelet-certificate-authority=/etc/metrics-server/cluster-ca/ca.crt
        - --kubelet-preferred-address-types=InternalIP
        - --kubelet-use-node-status-port
        - --metric-resolution=15s
        # Simulated nodes (kwok) have no kubelet to scrape.
        - --node-selector=ra2cert.io/simulated!=true
        resources:
          requests: {cpu: 50m, memory: 50Mi}
          limits: {memory: 200Mi}
        ports:
        - {name: https, containerPort: 4443, protocol: TCP}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
          readOnlyRootFilesystem: true
        volumeMounts:
        - {name: tls, mountPath: /etc/metrics-server/tls, readOnly: true}
        - {name: cluster-ca, mountPath: /etc/metrics-server/cluster-ca, readOnly: true}
        - {name: tmp, mountPath: /tmp}
        readinessProbe:
          httpGet: {path: /readyz, port: https, scheme: HTTPS}
          periodSeconds: 2
          failureThreshold: 3
        livenessProbe:
          httpGet: {path: /livez, port: https, scheme: HTTPS}
          periodSeconds: 10
          failureThreshold: 3
      volumes:
      - name: tls
        secret: {secretName: metrics-server-serving, defaultMode: 0440}
      - name: cluster-ca
        configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
      - name: tmp
        emptyDir: {}
---
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  selector: {k8s-app: metrics-server}
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: https}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service: {name: metrics-server, namespace: kube-system, port: 443}
  caBundle: $(base64 -w0 "$PKI/ca.crt")
YAML
}

# addons_metrics_server_available: the Deployment is available and the APIService answers.
addons_metrics_server_available() {
  api_get /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io |
    jq -e 'any(.status.conditions[]?; .type == "Available" and .status == "True")' >/dev/null &&
    api_get /apis/metrics.k8s.io/v1beta1/nodes >/dev/null
}

# addons_nodes: creates the Node objects; a node whose kubelet got there first is patched.
addons_nodes() {
  addons_nodes_yaml | kubectl_admin create -f - >>"$LOGS/addons.log" 2>&1 && return 0
  local i name taint
  for ((i = 1; i <= NODES; i++)); do
    name=$(node_name "$i")
    kubectl_admin label node "$name" --overwrite topology.kubernetes.io/region="$LOCAL_REGION" \
      topology.kubernetes.io/zone="$LOCAL_ZONE" >>"$LOGS/addons.log" 2>&1 || return 1
    if ((i == 1)); then
      kubectl_admin label node "$name" --overwrite node-role.kubernetes.io/control-plane= \
        node.kubernetes.io/exclude-from-external-load-balancers= >>"$LOGS/addons.log" 2>&1 || return 1
      kubectl_admin taint node "$name" --overwrite node-role.kubernetes.io/control-plane:NoSchedule >>"$LOGS/addons.log" 2>&1 || return 1
    else
      kubectl_admin label node "$name" --overwrite node-role.kubernetes.io/worker= anuket.io/profile=network-intensive >>"$LOGS/addons.log" 2>&1 || return 1
    fi
    kubectl_admin patch node "$name" --type merge \
      -p "{\"spec\":{\"podCIDR\":\"$(pod_cidr "$i")\",\"podCIDRs\":[\"$(pod_cidr "$i")\"]}}" >>"$LOGS/addons.log" 2>&1 || true
  done
}

# Node Feature Discovery (v0.17, upstream's layout): nfd-worker on every Linux node reads the
# node (CPU, kernel, OS release, PCI/USB, memory, …) through read-only hostPath mounts under
# /host-* and writes a NodeFeature object; nfd-master turns those into
# feature.node.kubernetes.io/* labels on the Node. The CRDs are upstream's own manifest of the
# same module version (copied into the cache by build-nfd.sh). The master is a cluster add-on
# (system-cluster-critical) that may run on the control plane, as upstream places it.
NFD_NAMESPACE=node-feature-discovery

# nfd_container NAME CPU MEMORY_LIMIT: the container entry nfd-master and nfd-worker share (upstream
# gives both the same downward-API env and the same locked-down securityContext).
nfd_container() {
  cat <<YAML
      - name: $1
        image: $REGISTRY/ra2cert/nfd:$NFD_TAG
        command: [$1]
        env:
        - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
        resources:
          requests: {cpu: $2, memory: 64Mi}
          limits: {memory: $3}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
          readOnlyRootFilesystem: true
          runAsNonRoot: true
YAML
}

# nfd_crds: upstream's CRD manifest beside the newest nfd build (the one the image packs).
nfd_crds() {
  local master
  master=$(newest_cache_bin nfd nfd-master)
  [[ -n "$master" ]] && echo "$(dirname "$(dirname "$master")")/nfd-api-crds.yaml"
}

addons_nfd_yaml() {
  cat "$(nfd_crds)"
  cat <<YAML
---
apiVersion: v1
kind: Namespace
metadata: {name: $NFD_NAMESPACE, labels: {app: nfd}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nfd-master, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nfd-worker, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: nfd-master, labels: {app: nfd}}
rules:
- apiGroups: [""]
  resources: [namespaces]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [nodes, nodes/status]
  verbs: [get, list, patch, update]
- apiGroups: [nfd.k8s-sigs.io]
  resources: [nodefeatures, nodefeaturerules, nodefeaturegroups]
  verbs: [get, list, watch]
- apiGroups: [nfd.k8s-sigs.io]
  resources: [nodefeaturegroup/status]
  verbs: [patch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nfd-master, labels: {app: nfd}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nfd-master}
subjects:
- {kind: ServiceAccount, name: nfd-master, namespace: $NFD_NAMESPACE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: nfd-worker, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
rules:
- apiGroups: [nfd.k8s-sigs.io]
  resources: [nodefeatures]
  verbs: [create, get, update, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nfd-worker, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nfd-worker}
subjects:
- {kind: ServiceAccount, name: nfd-worker, namespace: $NFD_NAMESPACE}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: nfd-master, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
spec:
  replicas: 1
  selector:
    matchLabels: {app: nfd-master}
  template:
    metadata:
      labels: {app: nfd-master}
    spec:
      serviceAccountName: nfd-master
      priorityClassName: system-cluster-critical
      nodeSelector: {kubernetes.io/os: linux}
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
      containers:
$(nfd_container nfd-master 10m 256Mi)
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: nfd-worker, namespace: $NFD_NAMESPACE, labels: {app: nfd}}
spec:
  selector:
    matchLabels: {app: nfd-worker}
  template:
    metadata:
      labels: {app: nfd-worker}
    spec:
      serviceAccountName: nfd-worker
      nodeSelector: {kubernetes.io/os: linux}
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
      containers:
$(nfd_container nfd-worker 5m 512Mi)
        volumeMounts:
        - {name: host-boot, mountPath: /host-boot, readOnly: true}
        - {name: host-os-release, mountPath: /host-etc/os-release, readOnly: true}
        - {name: host-sys, mountPath: /host-sys, readOnly: true}
        - {name: host-usr-lib, mountPath: /host-usr/lib, readOnly: true}
        - {name: host-lib, mountPath: /host-lib, readOnly: true}
        - {name: host-proc-swaps, mountPath: /host-proc/swaps, readOnly: true}
      volumes:
      - {name: host-boot, hostPath: {path: /boot}}
      - {name: host-os-release, hostPath: {path: /etc/os-release}}
      - {name: host-sys, hostPath: {path: /sys}}
      - {name: host-usr-lib, hostPath: {path: /usr/lib}}
      - {name: host-lib, hostPath: {path: /lib}}
      - {name: host-proc-swaps, hostPath: {path: /proc/swaps}}
YAML
}

# addons_nfd_labelled: every Linux node carries feature labels from NFD.
addons_nfd_labelled() {
  local nodes labelled
  nodes=$(kubectl_admin get nodes -l kubernetes.io/os=linux -o name 2>/dev/null | wc -l)
  labelled=$(kubectl_admin get nodes -l kubernetes.io/os=linux,feature.node.kubernetes.io/kernel-version.full -o name 2>/dev/null | wc -l)
  ((nodes > 0 && labelled == nodes))
}

addons_apply() {
  if [[ -n "${METRICS_SERVER_TAG:-}" ]]; then addons_metrics_server_cert || return 1; fi
  {
    addons_base_yaml
    addons_sandbox_policy_yaml
    if [[ -n "${COREDNS_TAG:-}" ]]; then addons_coredns_yaml; fi
    if [[ -n "${METRICS_SERVER_TAG:-}" ]]; then addons_metrics_server_yaml; fi
    if [[ -n "${NFD_TAG:-}" ]]; then addons_nfd_yaml; fi
  } | kubectl_admin apply -f - >>"$LOGS/addons.log" 2>&1
}
