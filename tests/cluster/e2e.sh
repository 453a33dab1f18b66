#!/usr/bin/env bash
# End-to-end check of the local cluster (environments/local/cluster.sh), against the real parts:
#   up → every node Ready with the right roles and taints → a busybox pod runs to completion on
#   a worker → a pod under RuntimeClass gvisor sees another kernel than the host's → from a pod
#   on one node, a Service name resolves through cluster DNS and HTTP to the pod behind it on
#   another node works (by Service name and by pod IP) → down → nothing is left on the host.
# Usage: tests/cluster/e2e.sh [--keep] [--nodes N] [--windows-nodes N] [--state-dir DIR]
#   --keep leaves the cluster up (no teardown, no leftover checks).
#   --windows-nodes N also checks N simulated Windows workers (Ready, labelled, tainted).
# Env: RA2CERT_E2E_ALLOW_NO_GVISOR=1 turns a missing gvisor RuntimeClass into a skip.
# (HTTP is spoken with busybox nc: Debian's busybox-static wget segfaults, even on the host.)
# Exit 0 when every check passed, 1 on the first failure (the cluster is torn down either way).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CLUSTER=$REPO/environments/local/cluster.sh
keep=0 nodes=2 win=0 state=/var/lib/ra2cert/local
while (($#)); do
  case $1 in
    --keep) keep=1; shift ;;
    --nodes) nodes=$2; shift 2 ;;
    --windows-nodes) win=$2; shift 2 ;;
    --state-dir) state=$2; shift 2 ;;
    *) echo "usage: $0 [--keep] [--nodes N] [--windows-nodes N] [--state-dir DIR]" >&2; exit 2 ;;
  esac
done
((nodes >= 2)) || { echo "e2e: needs at least 2 nodes (a worker besides the control plane)" >&2; exit 2; }
t_start=$SECONDS
pass() { printf 'e2e: ok   %s\n' "$*"; }
fail() { printf 'e2e: FAIL %s\n' "$*" >&2; exit 1; }

cleanup() {
  local rc=$?
  if ((keep == 0)); then
    "$CLUSTER" down --state-dir "$state" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What the host looks like before: paths the cluster may create, kernel settings kubelet changes.
host_paths=(/var/lib/kubelet /var/lib/cni /var/log/containers /run/containerd /run/netns /var/lib/ra2cert /run/ra2cert-local-cluster)
absent_before=()
for p in "${host_paths[@]}"; do [[ -e "$p" ]] || absent_before+=("$p"); done
sysctls_before=$(cat /proc/sys/vm/overcommit_memory /proc/sys/vm/panic_on_oom /proc/sys/kernel/panic /proc/sys/kernel/panic_on_oops)

# ---- up -------------------------------------------------------------------------------------
out=$("$CLUSTER" up --nodes "$nodes" --windows-nodes "$win" --state-dir "$state") || fail "cluster.sh up exited $?"
echo "$out" | sed 's/^/e2e: up: /'
field() { echo "$out" | sed -n "s/^$1: //p"; }
KCFG=$(field kubeconfig)
K8S_BIN=$(sed -n 's/^K8S_BIN=//p' "$state/cluster.env")
REGISTRY=$(sed -n 's/^REGISTRY=//p' "$state/cluster.env")
[[ -f "$KCFG" && -x "$K8S_BIN/kubectl" ]] || fail "no kubeconfig ($KCFG) or kubectl ($K8S_BIN)"
export KUBECACHEDIR=$state/kubectl-cache
k() { "$K8S_BIN/kubectl" --kubeconfig "$KCFG" "$@"; }
BUSYBOX=$(grep '/busybox:' <("$REPO/fixtures/images/images.sh" list --registry "$REGISTRY"))
pass "cluster up: nodes Ready after $(field nodes-ready-seconds) s, ready after $(field ready-seconds) s"

# ---- nodes, roles, taints -------------------------------------------------------------------
mapfile -t rows < <(k get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{range .spec.taints[*]}{.key}{"="}{.effect}{","}{end}{"\n"}{end}')
((${#rows[@]} == nodes + win)) || fail "expected $((nodes + win)) nodes, kubectl sees ${#rows[@]}: ${rows[*]}"
cp_nodes=$(k get nodes -l node-role.kubernetes.io/control-plane -o jsonpath='{.items[*].metadata.name}')
workers=$(k get nodes -l 'node-role.kubernetes.io/worker,!node-role.kubernetes.io/control-plane,!ra2cert.io/simulated' -o jsonpath='{.items[*].metadata.name}')
windows=$(k get nodes -l 'kubernetes.io/os=windows,node.kubernetes.io/windows-build=10.0.17763,ra2cert.io/simulated=true,node-role.kubernetes.io/worker' -o jsonpath='{.items[*].metadata.name}')
[[ "$cp_nodes" == ra2cert-node1 ]] || fail "control-plane role should be on ra2cert-node1 only, is on '$cp_nodes'"
[[ $(wc -w <<<"$workers") -eq $((nodes - 1)) ]] || fail "expected $((nodes - 1)) workers, found '$workers'"
for row in "${rows[@]}"; do
  read -r name ready taints <<<"$row"
  [[ "$ready" == True ]] || fail "node $name is not Ready ($row)"
  if [[ "$name" == ra2cert-win* ]]; then
    [[ " $windows " == *" $name "* ]] || fail "simulated Windows node $name lacks its labels"
    [[ "$taints" == *os=NoSchedule,* ]] || fail "simulated Windows node $name lacks the os=windows:NoSchedule taint ($row)"
  elif [[ "$name" == ra2cert-node1 ]]; then
    [[ "$taints" == *node-role.kubernetes.io/control-plane=NoSchedule,* ]] || fail "node $name lacks the control-plane NoSchedule taint ($row)"
  else
    [[ " $workers " == *" $name "* ]] || fail "node $name is not labelled a worker"
    [[ "$taints" != *control-plane* ]] || fail "worker $name carries the control-plane taint ($row)"
  fi
done
pass "$nodes nodes Ready; node1 control-plane (label + NoSchedule taint), others workers"
((win == 0)) || pass "$win simulated Windows node(s) Ready, labelled and tainted os=windows:NoSchedule"

# Traffic stays on the machine: no node has a default route, nothing is masqueraded out of a
# node, and the host forwards nothing between the cluster bridge and its other interfaces.
# (Route lookups only: no packet is sent anywhere.)
for ((i = 1; i <= nodes; i++)); do
  nsn=ra2cert-node$i
  [[ -z "$(ip -n "$nsn" route show default)" ]] || fail "$nsn has a default route: $(ip -n "$nsn" route show default)"
  ip -n "$nsn" route get 192.0.2.123 >/dev/null 2>&1 && fail "$nsn can route to an outside address"
  post=$(ip netns exec "$nsn" iptables -w -t nat -S POSTROUTING 2>/dev/null)
  grep -q -- '-j MASQUERADE' <<<"$post" && fail "$nsn masquerades in POSTROUTING: $post"
done
guard=$(iptables -w -S RA2CERT-FORWARD 2>/dev/null)
grep -q -- '-i ra2cert0 -j DROP' <<<"$guard" || fail "host FORWARD guard for ra2cert0 missing"
pass "no default route and no POSTROUTING masquerade in any node; host FORWARD confined to the bridge"
k get nodes -o wide | sed 's/^/e2e:      /'

ns=e2e-$$
k create namespace "$ns" >/dev/null
wait_sa() { for _ in $(seq 1 100); do k -n "$ns" get sa default >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
wait_sa || fail "namespace $ns got no default service account"
worker=${workers%% *}

# ---- a pod runs to completion on a worker ---------------------------------------------------
k -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: probe}
spec:
  restartPolicy: Never
  nodeSelector: {node-role.kubernetes.io/worker: ""}
  containers:
  - {name: probe, image: $BUSYBOX, command: [sh, -c, 'echo probe-ok; uname -r']}
YAML
k -n "$ns" wait --for=jsonpath='{.status.phase}'=Succeeded pod/probe --timeout=60s >/dev/null ||
  fail "busybox pod did not succeed: $(k -n "$ns" get pod probe -o wide 2>&1 | tail -n1)"
probe_node=$(k -n "$ns" get pod probe -o jsonpath='{.spec.nodeName}')
probe_out=$(k -n "$ns" logs probe)
grep -q '^probe-ok$' <<<"$probe_out" || fail "busybox pod printed: $probe_out"
runc_kernel=$(sed -n 2p <<<"$probe_out")
pass "busybox pod ran to completion on worker $probe_node (kernel $runc_kernel)"

# ---- gVisor ---------------------------------------------------------------------------------
if k get runtimeclass gvisor >/dev/null 2>&1; then
  k -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: sandboxed}
spec:
  runtimeClassName: gvisor
  restartPolicy: Never
  containers:
  - {name: probe, image: $BUSYBOX, command: [sh, -c, 'uname -r; dmesg | head -n1']}
YAML
  if ! k -n "$ns" wait --for=jsonpath='{.status.phase}'=Succeeded pod/sandboxed --timeout=60s >/dev/null; then
    fail "gvisor pod did not succeed: $(k -n "$ns" get events --field-selector involvedObject.name=sandboxed -o jsonpath='{range .items[*]}{.message}{"\n"}{end}' | tail -n2)"
  fi
  gv_out=$(k -n "$ns" logs sandboxed)
  gv_kernel=$(head -n1 <<<"$gv_out")
  host_kernel=$(uname -r)
  [[ -n "$gv_kernel" && "$gv_kernel" != "$host_kernel" ]] || fail "gvisor pod kernel '$gv_kernel' equals the host's '$host_kernel'"
  pass "gvisor pod kernel '$gv_kernel' ($(sed -n 2p <<<"$gv_out" | cut -c1-40)) differs from host '$host_kernel'"
elif [[ "${RA2CERT_E2E_ALLOW_NO_GVISOR:-0}" == 1 ]]; then
  echo "e2e: skip gvisor: no RuntimeClass gvisor (no gVisor build in the cache)"
else
  fail "no RuntimeClass gvisor (build gVisor: environments/local/components/build-gvisor.sh)"
fi

# ---- DNS and a Service across nodes ---------------------------------------------------------
token=ra2cert-e2e-$RANDOM$RANDOM
k -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeSelector: {node-role.kubernetes.io/control-plane: ""}
  tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  containers:
  - name: httpd
    image: $BUSYBOX
    command: [sh, -c, 'mkdir -p /tmp/www && echo $token > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
YAML
k -n "$ns" wait --for=condition=Ready pod/web --timeout=60s >/dev/null || fail "web pod not Ready: $(k -n "$ns" get pod web -o wide | tail -n1)"
web_ip=$(k -n "$ns" get pod web -o jsonpath='{.status.podIP}')
web_node=$(k -n "$ns" get pod web -o jsonpath='{.spec.nodeName}')
svc_ip=$(k -n "$ns" get svc web -o jsonpath='{.spec.clusterIP}')
k -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: $worker}
  containers:
  - name: client
    image: $BUSYBOX
    command:
    - sh
    - -c
    - |
      nslookup kubernetes.default.svc.cluster.local || exit 11
      nslookup web.$ns.svc.cluster.local || exit 12
      get() { printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 "\$1" "\$2" | tail -n1; }
      echo "by-name: \$(get web.$ns.svc.cluster.local 80)"
      echo "by-pod-ip: \$(get $web_ip 8080)"
YAML
k -n "$ns" wait --for=jsonpath='{.status.phase}'=Succeeded pod/client --timeout=90s >/dev/null ||
  fail "client pod failed: $(k -n "$ns" get pod client -o jsonpath='{.status.containerStatuses[0].state}') logs: $(k -n "$ns" logs client 2>&1 | tr '\n' ' ')"
client_node=$(k -n "$ns" get pod client -o jsonpath='{.spec.nodeName}')
logs=$(k -n "$ns" logs client)
[[ "$client_node" != "$web_node" ]] || fail "client and web pods landed on the same node $web_node"
grep -q "Address: 10.96.0.1\$" <<<"$logs" || fail "kubernetes.default.svc.cluster.local did not resolve to 10.96.0.1: $logs"
grep -q "Address: $svc_ip\$" <<<"$logs" || fail "web.$ns.svc.cluster.local did not resolve to $svc_ip: $logs"
pass "cluster DNS: kubernetes.default.svc.cluster.local → 10.96.0.1, web.$ns.svc.cluster.local → $svc_ip"
grep -q "^by-name: $token\$" <<<"$logs" || fail "HTTP via Service name from $client_node to $web_node failed: $logs"
grep -q "^by-pod-ip: $token\$" <<<"$logs" || fail "HTTP to pod IP $web_ip from $client_node failed: $logs"
pass "HTTP from $client_node to web on $web_node: via Service web ($svc_ip) and pod IP $web_ip"

if ((keep)); then
  echo "e2e: --keep: cluster left up; kubeconfig $KCFG"
  exit 0
fi

# ---- down, and nothing left -----------------------------------------------------------------
t_down=$SECONDS
"$CLUSTER" down --state-dir "$state" >/dev/null 2>&1 || fail "cluster.sh down exited $?"
"$CLUSTER" down --state-dir "$state" >/dev/null 2>&1 || fail "second cluster.sh down (idempotence) exited $?"
left=()
[[ -e "$state" ]] && left+=("state dir $state")
x=$(ip netns list 2>/dev/null | grep '^ra2cert-' || true); [[ -n "$x" ]] && left+=("netns: $x")
x=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep '^ra2cert' || true); [[ -n "$x" ]] && left+=("links: $x")
x=$(iptables -w -S 2>/dev/null | grep RA2CERT || true); [[ -n "$x" ]] && left+=("iptables: $x")
x=$(awk -v s="$state" '$5 == s || index($5, s "/") == 1 {print $5}' /proc/self/mountinfo); [[ -n "$x" ]] && left+=("mounts: $x")
ls -d /sys/fs/cgroup/*/ra2cert >/dev/null 2>&1 && left+=("cgroups: $(ls -d /sys/fs/cgroup/*/ra2cert | tr '\n' ' ')")
procs=$(ps -eo pid=,args= | grep -F -e "$state" -e runsc | grep -v -e grep -e e2e.sh || true)
[[ -n "$procs" ]] && left+=("processes: $procs")
compgen -G "/var/lib/cni/results/ra2cert-*" >/dev/null && left+=("CNI results in /var/lib/cni/results")
for l in /var/log/containers/*; do [[ -L "$l" && "$(readlink "$l")" == "$state"/* ]] && left+=("log link $l"); done
for p in "${absent_before[@]}"; do [[ -e "$p" ]] && left+=("$p (absent before up)"); done
[[ "$(cat /proc/sys/vm/overcommit_memory /proc/sys/vm/panic_on_oom /proc/sys/kernel/panic /proc/sys/kernel/panic_on_oops)" == "$sysctls_before" ]] ||
  left+=("kernel settings differ from before up")
((${#left[@]} == 0)) || fail "left behind after down: ${left[*]}"
pass "down (twice) left nothing: no state, netns, links, iptables rules, mounts, cgroups, processes, host files; sysctls restored ($((SECONDS - t_down)) s)"
echo "e2e: all checks passed in $((SECONDS - t_start)) s"
