# Removing everything a run made, in an order that works after a clean up, a half-finished
# up or a killed one: processes, mounts, leftovers outside $STATE, network, cgroups, host
# settings, state. Idempotent. Sourced by cluster.sh; needs common.sh and network.sh.

# Every pid in the /ra2cert tree of one hierarchy.
_cgroup_pids() { [[ -d "$1/$CG_TOP" ]] && find "$1/$CG_TOP" -name cgroup.procs -exec cat {} + 2>/dev/null; }

# Kills every process in the /ra2cert cgroup tree: freeze it (nothing can fork away), SIGKILL,
# thaw, wait until empty; then whatever the pid files still name.
kill_all() {
  local fz=/sys/fs/cgroup/freezer pids_h=/sys/fs/cgroup/pids pid f deadline
  [[ -d "$pids_h" ]] || pids_h=$(cgroup_hierarchies | head -n1)
  if [[ -d "$fz/$CG_TOP" ]]; then
    echo FROZEN >"$fz/$CG_TOP/freezer.state" 2>/dev/null || true
    for pid in $(_cgroup_pids "$fz"); do kill -9 "$pid" 2>/dev/null || true; done
    echo THAWED >"$fz/$CG_TOP/freezer.state" 2>/dev/null || true
  fi
  deadline=$((SECONDS + 15))
  while :; do
    pid=$(_cgroup_pids "$pids_h"; [[ -d "$fz/$CG_TOP" ]] && _cgroup_pids "$fz")
    [[ -z "$pid" ]] && break
    ((SECONDS < deadline)) || { log "processes still in cgroup /$CG_TOP: $pid"; break; }
    for f in $pid; do kill -9 "$f" 2>/dev/null || true; done
    sleep 0.1
  done
  for f in "$PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    pid=$(cat "$f")
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done
}

# Unmounts everything at or below $STATE, deepest first (overlay roots, volumes, pod netns).
unmount_all() {
  local m pass
  for pass in 1 2 3; do
    mapfile -t mounts < <(awk -v s="$STATE" '$5 == s || index($5, s "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    ((${#mounts[@]})) || return 0
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
}

# Files the components put outside $STATE: kubelet's /var/log/containers symlinks and
# device-plugin socket, the CNI result cache and containerd's shim sockets.
remove_outside_leftovers() {
  local l
  if [[ -d /var/log/containers ]]; then
    for l in /var/log/containers/*; do
      [[ -L "$l" && "$(readlink "$l")" == "$STATE"/* ]] && rm -f "$l"
    done
    [[ -f "$STATE/host/created-var-log-containers" ]] && rmdir /var/log/containers 2>/dev/null
  fi
  local r id
  for r in /var/lib/cni/results/"$NS_PREFIX"[0-9]*-*-eth0; do
    [[ -f "$r" ]] || continue
    id=${r##*/}; id=${id%-eth0}; id=${id##*-}
    rm -f "$r" "/var/lib/cni/results/cni-loopback-$id-lo"
  done
  if [[ -f "$STATE/host/created-var-lib-cni" ]]; then
    rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null
  fi
  # containerd names a shim's socket /run/containerd/s/<sha256 of "<containerd socket>/<ns>/<id>">;
  # a killed shim leaves it behind.
  local nd bundle sock
  # Every kubelet serves the device-plugin registration socket at this fixed path.
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  [[ -f "$STATE/host/created-var-lib-kubelet" ]] && rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet 2>/dev/null
  if [[ -d /run/containerd/s ]]; then
    for nd in "$STATE"/nodes/*; do
      sock=$nd/containerd/containerd.sock
      for bundle in "$nd"/containerd/state/io.containerd.runtime.v2.task/*/*; do
        [[ -d "$bundle" ]] || continue
        rm -f "/run/containerd/s/$(printf '%s' "$sock/$(basename "$(dirname "$bundle")")/$(basename "$bundle")" | sha256sum | cut -d' ' -f1)"
      done
    done
    if [[ -f "$STATE/host/created-run-containerd" ]]; then
      rmdir /run/containerd/s /run/containerd 2>/dev/null
    fi
  fi
  true
}

# cgroups under /ra2cert, deepest first, in every hierarchy.
remove_cgroups() {
  local h d
  for h in $(cgroup_hierarchies); do
    [[ -d "$h/$CG_TOP" ]] || continue
    find "$h/$CG_TOP" -depth -type d -exec rmdir {} \; 2>/dev/null
    [[ -d "$h/$CG_TOP" ]] && log "could not remove cgroup $h/$CG_TOP"
  done
  true
}

# Kernel settings the kubelet changes (vm.overcommit_memory, kernel.panic ...) go back.
restore_sysctls() {
  local f=$STATE/host/sysctl.saved key val
  [[ -f "$f" ]] || return 0
  while read -r key val; do echo "$val" >"/proc/sys/$key" 2>/dev/null || true; done <"$f"
}

# Best effort throughout: one step failing must not stop the others (errexit off here).
teardown() {
  set +e
  kill_all
  unmount_all
  remove_outside_leftovers
  net_down
  remove_cgroups
  restore_sysctls
  if [[ -d "$STATE" ]]; then
    [[ -z "$(awk -v s="$STATE" '$5 == s || index($5, s "/") == 1' /proc/self/mountinfo)" ]] ||
      die "mounts remain under $STATE; not deleting it" 3
    if [[ ! -f "$STATE/$STATE_MARK" && -n "$(ls -A "$STATE")" ]]; then
      log "$STATE is not a ra2cert state dir (no $STATE_MARK); left as it is"
      set -e
      return 0
    fi
    rm -rf "$STATE"
    # The default parent (/var/lib/ra2cert) goes too when nothing else is in it.
    [[ "$(basename "$(dirname "$STATE")")" == ra2cert ]] && rmdir "$(dirname "$STATE")" 2>/dev/null
  fi
  set -e
}
