# The container runtime the local nodes run. Sourced by cluster.sh; needs common.sh.
#   containerd-2    containerd 2 and runc 1.5 built from their Go modules
#                   (components/build-containerd.sh, components/build-runc.sh): the default
#   containerd-1.6  Debian 12's containerd 1.6.20 and runc 1.1.5: no user namespaces, and
#                   NOT_FOUND for Stop of an unknown id (4.4.007 and 4.4.024 fail on it)
# runtime_select NAME sets, for the node scripts: RUNTIME, CONTAINERD_BIN, CTR_BIN, RUNC_BIN and
# SHIM_DIR (where containerd finds containerd-shim-runc-v2; it looks on its PATH).
RUNTIMES="containerd-2 containerd-1.6"
DEFAULT_RUNTIME=containerd-2

runtime_select() {
  case $1 in
    containerd-1.6)
      RUNTIME=$1 CONTAINERD_BIN=/usr/bin/containerd CTR_BIN=/usr/bin/ctr RUNC_BIN=/usr/sbin/runc SHIM_DIR=/usr/bin ;;
    containerd-2)
      local containerd runc
      containerd=$(newest_cache_bin containerd containerd)
      runc=$(newest_cache_bin runc runc)
      [[ -n "$containerd" && -x "$(dirname "$containerd")/containerd-shim-runc-v2" && -x "$(dirname "$containerd")/ctr" ]] ||
        die "--runtime containerd-2: no containerd 2 build in $CACHE/containerd-*; run environments/local/components/build-containerd.sh" 3
      [[ -n "$runc" ]] || die "--runtime containerd-2: no runc build in $CACHE/runc-*; run environments/local/components/build-runc.sh" 3
      RUNTIME=$1 CONTAINERD_BIN=$containerd CTR_BIN=$(dirname "$containerd")/ctr RUNC_BIN=$runc
      SHIM_DIR=$(dirname "$containerd") ;;
    *) die "unknown runtime '$1' (--runtime or RA2CERT_RUNTIME; known: $RUNTIMES)" 2 ;;
  esac
}

# What `up` prints and cluster facts record, e.g. "containerd-2 (v2.4.2, runc 1.5.3)".
runtime_describe() {
  local c r
  c=$("$CONTAINERD_BIN" --version 2>/dev/null | awk '{ print $3 }')
  r=$("$RUNC_BIN" --version 2>/dev/null | awk 'NR == 1 { print $3 }')
  echo "$RUNTIME (${c:-unknown}, runc ${r:-unknown})"
}

# containerd 1.6 cannot read the start output of gVisor's shim; the adapter in $STATE/bin
# (lib/runsc-shim-adapter.sh) stands in front of it. containerd 2 reads it as it is.
runtime_needs_runsc_adapter() { [[ $RUNTIME == containerd-1.6 ]]; }
