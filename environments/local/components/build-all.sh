#!/usr/bin/env bash
# Builds every pinned component of the local environment into the cache
# (${RA2CERT_CACHE:-$HOME/.cache/ra2cert}); each one is skipped when its binaries are there, so
# this is a quick no-op once all are built. Cold, on 2 cores, it takes the better part of an hour.
# Usage: build-all.sh [MINOR] [NAME...]
#   MINOR  Kubernetes minor to build (default 1.33; one with a k8s-MINOR/go.mod here)
#   NAME   only these components (default all): kubernetes etcd gvisor coredns helm cosign kwok critools
#          metrics-server nfd containerd runc
# Prints "NAME BINDIR" per component on stdout (build logs go to stderr); exits non-zero if any
# component failed, after trying the rest.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minor=1.33
if [[ ${1:-} =~ ^[0-9]+\.[0-9]+$ ]]; then minor=$1; shift; fi
all=(kubernetes etcd gvisor coredns helm cosign kwok critools metrics-server nfd containerd runc)
names=("$@")
((${#names[@]})) || names=("${all[@]}")

summary=() failed=()
for n in "${names[@]}"; do
  script="$here/build-$n.sh"
  [[ -x "$script" && " ${all[*]} " == *" $n "* ]] || { echo "build-all: unknown component $n (known: ${all[*]})" >&2; failed+=("$n"); continue; }
  args=()
  [[ $n == kubernetes ]] && args=("$minor")
  if out=$("$script" "${args[@]}"); then
    summary+=("$(printf '%-10s %s' "$n" "$(tail -n1 <<<"$out")")")
  else
    echo "build-all: $n failed" >&2
    failed+=("$n")
  fi
done
((${#summary[@]} == 0)) || printf '%s\n' "${summary[@]}"
((${#failed[@]} == 0)) || { echo "build-all: failed: ${failed[*]}" >&2; exit 1; }
