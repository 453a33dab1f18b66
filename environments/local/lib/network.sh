# Node networking: host bridge ra2cert0 (10.250.0.1/24), one network namespace per node joined
# to it by a veth, pod subnet 10.244.<i>.0/24 behind the CNI bridge inside each node, and
# routes so that node i reaches node j's pods through node j's bridge address. Nodes get no
# default route and nothing is masqueraded: traffic can only reach what this run created.
# Sourced by cluster.sh; needs common.sh.

# Refuses to start when the host already uses the bridge network. (Pod and Service ranges only
# exist inside the node namespaces, so the host's own routes cannot clash with them.)
net_check_free() {
  local used
  used=$(ip -4 route show root "$NET_PREFIX.0/24" 2>/dev/null || true)
  [[ -z "$used" ]] || die "address range $NET_PREFIX.0/24 is already in use on this host ($used); ra2cert needs it free" 3
}

net_up() {
  local i j ns
  mkdir -p "$STATE/host"
  # `ip netns add` turns /run/netns into a mount point if it is not one yet; down undoes that.
  mountpoint -q /run/netns || echo 1 >"$STATE/host/created-run-netns"
  ip link add "$BRIDGE" type bridge
  ip addr add "$HOST_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for ((i = 1; i <= NODES; i++)); do
    ns=$(node_name "$i")
    ip netns add "$ns"
    ip link add "$VETH_PREFIX$i" type veth peer name eth0 netns "$ns"
    ip link set "$VETH_PREFIX$i" master "$BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(node_ip "$i")/24" dev eth0
    ip -n "$ns" link set eth0 up
    # Per-namespace settings: nodes route pod traffic; Service rules must see bridged packets.
    ip netns exec "$ns" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward
      echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
      echo 1 >/proc/sys/net/bridge/bridge-nf-call-ip6tables'
    for ((j = 1; j <= NODES; j++)); do
      ((i == j)) || ip -n "$ns" route add "$(pod_cidr "$j")" via "$(node_ip "$j")" dev eth0
    done
    # Service addresses exist only as kube-proxy's DNAT rules, which a node's own processes
    # (the API server's aggregation layer calling metrics-server, hostNetwork pods) reach only
    # once routing has a route for them: the DNAT then sends the packet on to the endpoint.
    ip -n "$ns" route add "$SERVICE_CIDR" dev eth0
  done
  # Bridged node-to-node traffic passes the host's FORWARD chain (br_netfilter): let it through
  # whatever the host's policy is, and never let anything cross between the bridge and any
  # other host interface. The host's ip_forward is left as it is.
  iptables -w -N "$IPT_CHAIN"
  iptables -w -A "$IPT_CHAIN" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  iptables -w -A "$IPT_CHAIN" -i "$BRIDGE" -j DROP
  iptables -w -A "$IPT_CHAIN" -o "$BRIDGE" -j DROP
  iptables -w -I FORWARD 1 -j "$IPT_CHAIN"
}

# Removes whatever of the above exists; quiet and idempotent.
net_down() {
  local ns link
  while iptables -w -D FORWARD -j "$IPT_CHAIN" 2>/dev/null; do :; done
  iptables -w -F "$IPT_CHAIN" 2>/dev/null || true
  iptables -w -X "$IPT_CHAIN" 2>/dev/null || true
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS_PREFIX[0-9]*$"); do
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^($VETH_PREFIX[0-9]+|$BRIDGE)$"); do
    ip link del "$link" 2>/dev/null || true
  done
  if [[ -f "$STATE/host/created-run-netns" ]] && [[ -z "$(ls -A /run/netns 2>/dev/null)" ]]; then
    umount /run/netns 2>/dev/null || true
    rmdir /run/netns 2>/dev/null || true
  fi
}
