# Faults during a run (cluster.sh fault NAME --seconds S): a component of the running local
# cluster breaks the way it breaks on a real one, stays broken S seconds, recovers, and the
# command returns once the cluster is healthy again. Unlike the seeded violations these are
# transient: they test what a run does when the cluster fails under it, not a verdict.
#   apiserver-restart  kube-apiserver killed (SIGKILL), down S seconds, started again
#   kubelet-stop       the worker's kubelet stopped (its node goes NotReady), started after S
#   containerd-restart the worker's containerd stopped, started again after S
#   worker-link-down   the worker's link (eth0 in its network namespace) down, up after S

FAULT_NODE=2  # the first worker; node 1 holds the control plane

fault_names() { echo "apiserver-restart kubelet-stop containerd-restart worker-link-down"; }

_fault_link() { ip -n "$(node_name "$FAULT_NODE")" link set eth0 "$1"; }
_apiserver_down() { ! apiserver_ready; }

# fault_inject NAME: breaks it and returns once the break shows.
fault_inject() {
  local name=$1
  case $name in
    apiserver-restart)
      kill -KILL "$(cat "$PIDS/kube-apiserver.pid")" 2>/dev/null || true
      wait_until 10 "kube-apiserver to be gone" daemon_dead kube-apiserver ;;
    kubelet-stop) daemon_stop "$(node_name "$FAULT_NODE")-kubelet" ;;
    containerd-restart) daemon_stop "$(node_name "$FAULT_NODE")-containerd" ;;
    worker-link-down) _fault_link down ;;
    *) die "unknown fault $name (faults: $(fault_names))" 2 ;;
  esac
}

# fault_recover NAME: undoes it and waits until the cluster is healthy (cluster_healthy).
fault_recover() {
  local name=$1
  case $name in
    apiserver-restart)
      daemon_alive kube-apiserver || apiserver_start
      wait_until 60 "kube-apiserver to answer /readyz" apiserver_ready || return 1
      # The controller manager and the scheduler exit when they cannot renew their lease
      # (leader election lost) and rely on a supervisor to start them again: the kubelet
      # does it for a kubeadm cluster's static pods; here this does.
      daemon_alive kube-controller-manager || _daemon_restart kube-controller-manager controller_manager_start || return 1
      daemon_alive kube-scheduler || _daemon_restart kube-scheduler scheduler_start || return 1 ;;
    kubelet-stop) daemon_alive "$(node_name "$FAULT_NODE")-kubelet" || kubelet_start "$FAULT_NODE" ;;
    containerd-restart)
      daemon_alive "$(node_name "$FAULT_NODE")-containerd" || containerd_start "$FAULT_NODE"
      wait_until 20 "containerd on $(node_name "$FAULT_NODE")" containerd_ready "$FAULT_NODE" || return 1 ;;
    worker-link-down) _fault_link up ;;
  esac
  wait_until "$HEALTH_WAIT" "the cluster to be healthy after $name (${HEALTH_PROBLEM:-})" cluster_healthy
}
