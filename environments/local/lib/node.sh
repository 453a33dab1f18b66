# One node: containerd, kubelet and kube-proxy inside the node's network namespace, each with
# its own directories under $STATE/nodes/<node>/ and (kubelet) its own cgroup root
# /ra2cert/<node>. Sourced by cluster.sh; needs common.sh.

# gVisor: runsc and its shim from RA2CERT_GVISOR_BIN or the components cache, when built.
# The upstream shim sets its own OOM score to -999 and gives up when that is refused, as it
# is for a root without CAP_SYS_RESOURCE; build-gvisor.sh builds a shim that tolerates it.
gvisor_bin_dir() {
  local runsc
  if [[ -n "${RA2CERT_GVISOR_BIN:-}" ]]; then runsc=$RA2CERT_GVISOR_BIN/runsc; else runsc=$(newest_cache_bin gvisor runsc); fi
  [[ -n "$runsc" && -x "$(dirname "$runsc")/containerd-shim-runsc-v1" ]] && dirname "$runsc"
}

# CAP_SYS_RESOURCE in our effective set (bit 24 of CapEff)?
has_cap_sys_resource() {
  local eff
  eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  (( (16#$eff >> 24) & 1 ))
}

node_write_config() {
  local i=$1 nd name gv
  local RUNTIME=$RUNTIME CONTAINERD_BIN=$CONTAINERD_BIN CTR_BIN=$CTR_BIN RUNC_BIN=$RUNC_BIN SHIM_DIR=$SHIM_DIR
  violation_node_runtime "$i"   # seeded violation runtime-containerd-1.6 (lib/violations.sh)
  nd=$(node_dir "$i")
  name=$(node_name "$i")
  gv=$(gvisor_bin_dir || true)
  mkdir -p "$nd"/{containerd,cni/net.d,cni/ipam,kubelet/manifests,pod-logs,runc,runsc,kube-proxy} \
    "$nd/containerd/certs.d/$REGISTRY"

  cat >"$nd/containerd/certs.d/$REGISTRY/hosts.toml" <<TOML
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
TOML

  cat >"$nd/cni/net.d/10-ra2cert.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$name",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$nd/cni/ipam",
        "ranges": [[{"subnet": "$(pod_cidr "$i")", "gateway": "$(pod_gw "$i")"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": false}
  ]
}
JSON

  local runsc_runtime=""
  if [[ -n "$gv" ]]; then
    cat >"$nd/containerd/runsc.toml" <<TOML
binary_name = "$gv/runsc"
root = "$nd/runsc"
[runsc_config]
  platform = "systrap"
TOML
    runsc_runtime="
      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runsc]
        runtime_type = \"io.containerd.runsc.v1\"
        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runsc.options]
          TypeUrl = \"io.containerd.runsc.v1.options\"
          ConfigPath = \"$nd/containerd/runsc.toml\""
  fi

  cat >"$nd/containerd/config.toml" <<TOML
version = 2
root = "$nd/containerd/root"
state = "$nd/containerd/state"
oom_score = 0
disabled_plugins = [
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$nd/containerd/containerd.sock"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$nd/containerd/opt"
  # containerd 2 serves NRI on a host-wide socket by default: the second node's runtime would
  # take the first one's over, and the socket would outlive the cluster. Each node its own.
  [plugins."io.containerd.nri.v1.nri"]
    socket_path = "$nd/containerd/nri/nri.sock"
    plugin_path = "$nd/containerd/nri/plugins"
    plugin_config_path = "$nd/containerd/nri/conf.d"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$REGISTRY/ra2cert/pause:$PAUSE_TAG"
    restrict_oom_score_adj = true
    disable_apparmor = true
    netns_mounts_under_state_dir = true
    enable_unprivileged_ports = false
    stream_server_address = "127.0.0.1"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$nd/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      snapshotter = "overlayfs"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "$RUNC_BIN"
          Root = "$nd/runc"
          SystemdCgroup = false$runsc_runtime
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$nd/containerd/certs.d"
TOML

  cat >"$nd/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_ip "$i")
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-$i-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-$i-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$nd/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$CG_TOP/$name
cgroupsPerQOS: true
failSwapOn: false
oomScoreAdj: 0
clusterDNS: [$DNS_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: $STATE/resolv.conf
podLogsDir: $nd/pod-logs
volumePluginDir: $nd/kubelet/volume-plugins
staticPodPath: $nd/kubelet/manifests
# The etcd members' kubelet starts before the API server has its priority classes; a mirror
# pod refused then is retried on the next sync (default every minute).
syncFrequency: 10s
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
protectKernelDefaults: false
registerNode: true
evictionHard: {memory.available: 100Mi, nodefs.available: 5%, imagefs.available: 5%, nodefs.inodesFree: 5%}
YAML
  # CPU and memory kept back from pods for the node's own daemons (ra2.k8s.008), and on the
  # workers (the network-intensive profile, ra2.k8s.006/009) the static CPU manager, which pins
  # a Guaranteed container's whole CPUs to it alone, and the topology manager aligning them to
  # one NUMA node. The static policy takes its exclusive CPUs from what is not reserved (here
  # one whole CPU of two). Seeded violation kubelet-no-cpu-reserved leaves node 2 at the
  # kubelet's defaults: nothing reserved, and so no static CPU manager either.
  if ! { ((i == VIOLATED_NODE)) && violating kubelet-no-cpu-reserved; }; then
    cat >>"$nd/kubelet/config.yaml" <<YAML
systemReserved: {cpu: 100m, memory: 128Mi}
kubeReserved: {cpu: 100m, memory: 128Mi}
YAML
    if ((i > 1)); then
      cat >>"$nd/kubelet/config.yaml" <<YAML
cpuManagerPolicy: static
topologyManagerPolicy: single-numa-node
YAML
    fi
  fi

  cat >"$nd/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KCFG/kube-proxy.kubeconfig}
mode: iptables
hostnameOverride: $name
bindAddress: $(node_ip "$i")
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 0.0.0.0:10256
metricsBindAddress: 127.0.0.1:10249
oomScoreAdj: 0
nodePortAddresses: [primary]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {masqueradeAll: false, minSyncPeriod: 1s, syncPeriod: 30s}
YAML
}

containerd_start() {
  local i=$1 nd gv path
  local RUNTIME=$RUNTIME CONTAINERD_BIN=$CONTAINERD_BIN CTR_BIN=$CTR_BIN RUNC_BIN=$RUNC_BIN SHIM_DIR=$SHIM_DIR
  violation_node_runtime "$i"
  path=$SHIM_DIR:$PATH
  nd=$(node_dir "$i")
  gv=$(gvisor_bin_dir || true)
  # containerd finds its shims (runc's, and runtime io.containerd.runsc.v1's) on its PATH.
  if [[ -n "$gv" ]] && runtime_needs_runsc_adapter; then
    mkdir -p "$STATE/bin"
    install -m 755 "$HERE/lib/runsc-shim-adapter.sh" "$STATE/bin/containerd-shim-runsc-v1"
    path=$STATE/bin:$path
  elif [[ -n "$gv" ]]; then
    path=$gv:$path
  fi
  violation_containerd_wrapper "$i"   # seeded violation control-plane-os-flatcar (lib/violations.sh)
  run_daemon "$(node_name "$i")-containerd" "$(node_name "$i")" "${CONTAINERD_WRAP[@]}" \
    env PATH="$path" RA2CERT_RUNSC_SHIM="$gv/containerd-shim-runsc-v1" \
    "$CONTAINERD_BIN" --config "$nd/containerd/config.toml"
}

containerd_ready() { "$CTR_BIN" --address "$(node_dir "$1")/containerd/containerd.sock" version >/dev/null 2>&1; }

kubelet_start() {
  local i=$1 nd name
  nd=$(node_dir "$i")
  name=$(node_name "$i")
  cgroup_make "$CG_TOP/$name"
  local kubelet=$K8S_BIN/kubelet kubelet_args=()
  violation_node_kubelet "$i"
  run_daemon "$name-kubelet" "$name" "$kubelet" \
    --config "$nd/kubelet/config.yaml" --kubeconfig "$KCFG/kubelet-$i.kubeconfig" \
    --root-dir "$nd/kubelet/root" --cert-dir "$nd/kubelet/pki" \
    --hostname-override "$name" --node-ip "$(node_ip "$i")" \
    --pod-infra-container-image "$REGISTRY/ra2cert/pause:$PAUSE_TAG" "${kubelet_args[@]}"
}

kube_proxy_start() {
  local i=$1 name
  name=$(node_name "$i")
  run_daemon "$name-kube-proxy" "$name" "$K8S_BIN/kube-proxy" --config "$(node_dir "$i")/kube-proxy/config.yaml"
}
