#!/usr/bin/env bash
# An OCI runtime wrapper for the seeded violations runtime-ignores-security-context and
# runtime-ignores-pod-namespaces (lib/violations.sh): containerd's runc handler calls it
# as its BinaryName. Before `runc create` of a Kubernetes container (not a pod sandbox) it
# rewrites the bundle's config.json with the jq filter spec-filter.jq beside it, the way
# vendor runtime wrappers edit the spec before handing it to runc; then it is runc.
set -uo pipefail
filter=$(dirname "$0")/spec-filter.jq
# The node's own runc (Debian's or the one built from its module), written beside it.
RUNC=$(cat "$(dirname "$0")/real-runc" 2>/dev/null || echo /usr/sbin/runc)
command="" bundle=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    create | run) [[ -n "$command" ]] || command=${args[i]} ;;
    --bundle | -b) bundle=${args[i + 1]:-} ;;
    --bundle=*) bundle=${args[i]#--bundle=} ;;
  esac
done
spec=$bundle/config.json
if [[ -n "$command" && -n "$bundle" && -f "$spec" && -f "$filter" ]] &&
  jq -e '.annotations["io.kubernetes.cri.container-type"] == "container"' "$spec" >/dev/null 2>&1; then
  jq -f "$filter" "$spec" >"$spec.rewritten" && mv "$spec.rewritten" "$spec"
fi
exec "$RUNC" "$@"
