#!/usr/bin/env bash
# Restarts the local cluster's kube-apiserver with the command line `cluster.sh up` gave it
# (apiserver_start in environments/local/lib/control-plane.sh: same flags, node 1's network
# namespace, cgroup, log and pid file), for tests of clients that must survive a restart.
#
#   restart-apiserver.sh [--state-dir DIR] [--grace S] [--down-seconds S]
#
# Stops it with SIGTERM and, when it has not exited after --grace seconds (default 2; it stops
# listening at once but drains long-lived connections for up to ~30 s), SIGKILL; leaves it down
# --down-seconds (default 0), starts it again and waits (60 s) until /readyz answers. Prints "stopped-seconds: X" and
# "ready-seconds: Y" (from the stop). Exit codes: 0 ok, 2 usage, 3 failure (see the log).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$(cd "$HERE/../../environments/local/lib" && pwd)

DOWN=0 GRACE=2
STATE=$(cat /run/ra2cert-local-cluster 2>/dev/null || echo /var/lib/ra2cert/local)
while (($#)); do
  case $1 in
    --state-dir) STATE=${2:?}; shift 2 ;;
    --grace) GRACE=${2:?}; shift 2 ;;
    --down-seconds) DOWN=${2:?}; shift 2 ;;
    *) echo "restart-apiserver.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
STATE=${STATE%/}
source "$LIB/common.sh"
source "$LIB/control-plane.sh"
[[ $EUID -eq 0 ]] || die "must run as root (network namespace, cgroups)"
[[ -f "$STATE/cluster.env" ]] || die "no local cluster in $STATE"
source "$STATE/cluster.env"
daemon_alive kube-apiserver || die "kube-apiserver is not running (pid file $PIDS/kube-apiserver.pid)"

start=${EPOCHREALTIME/[,.]/}
pid=$(cat "$PIDS/kube-apiserver.pid")
kill -TERM "$pid"
deadline=$((SECONDS + GRACE))
while daemon_alive kube-apiserver; do
  if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
  sleep 0.1
done
stopped=${EPOCHREALTIME/[,.]/}
sleep "$DOWN"
log "kube-apiserver (pid $pid) stopped; starting it again"
apiserver_start
wait_until 60 "kube-apiserver (log: $LOGS/kube-apiserver.log)" apiserver_ready ||
  die "kube-apiserver did not become ready after the restart; see $LOGS/kube-apiserver.log"
ready=${EPOCHREALTIME/[,.]/}
printf 'stopped-seconds: %d.%03d\n' $(((stopped - start) / 1000000)) $(((stopped - start) % 1000000 / 1000))
printf 'ready-seconds: %d.%03d\n' $(((ready - start) / 1000000)) $(((ready - start) % 1000000 / 1000))
