#!/usr/bin/env bash
# The node agent end to end: the local cluster attached through its kubeconfig only (no
# --cri-endpoints, as a vendor's or a lab's cluster is), so the CRI cases can reach the
# nodes' runtimes only through node agent pods. Checks that
#   1. the CRI cases run through the agents and pass (results say how CRI was reached);
#   2. with --no-node-agent they are Skipped with that reason and ra2.crt.002 is not verified;
#   3. Ctrl-C while agents run: exit 130, and nothing labelled with the run's id (namespaces,
#      ClusterRoles, ClusterRoleBindings) is left once the namespaces have terminated;
#   4. after every run, no agent object is left.
#   node_agent.sh RA2CERT_BINARY [STATE_DIR]
# Runs on the shared local cluster (other tests attach to it at the same time; every check is
# by the run's own id). Needs root.
set -euo pipefail
RA2CERT=${1:?usage: node_agent.sh RA2CERT_BINARY [STATE_DIR]}
STATE=${2:-/var/lib/ra2cert/local}
KUBECONFIG_FILE=$STATE/kubeconfig/admin.kubeconfig
OUT=$(mktemp -d /tmp/ra2cert-node-agent.XXXXXX)
wrong=0
say() { printf '%s node-agent: %s\n' "$(date +%T)" "$*"; }
bad() { say "WRONG: $*"; wrong=$((wrong + 1)); }
# The shared local cluster (ctest fixture local_cluster) is up: attach to it like any cluster.
[[ -f "$STATE/cluster.env" ]] || { echo "no local cluster in $STATE (ctest's local_cluster fixture brings it up)" >&2; exit 1; }
REGISTRY=$(awk -F= '$1 == "REGISTRY" { print $2 }' "$STATE/cluster.env")
say "attached to the local cluster; registry $REGISTRY"

api() { curl -fsS --max-time 5 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
  --key "$STATE/pki/admin.key" "$(awk '/server:/ { print $2; exit }' "$KUBECONFIG_FILE")$1"; }
# leftovers ID: the run's namespaces not yet terminating, and its cluster-wide RBAC objects.
leftovers() {
  local selector="labelSelector=ra2cert.io/run%3D$1" n r b
  n=$(api "/api/v1/namespaces?$selector" | jq '[.items[] | select(.metadata.deletionTimestamp == null)] | length')
  r=$(api "/apis/rbac.authorization.k8s.io/v1/clusterroles?$selector" | jq '.items | length')
  b=$(api "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?$selector" | jq '.items | length')
  echo $((n + r + b))
}
run_id_of() { jq -r '.run_id // empty' "$1/results.json"; }
outcome() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .outcome' "$1/results.json"; }
message() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .message' "$1/results.json"; }
CASES=(4.4.002 4.4.003 4.4.004 4.4.020)
FOCUS="^($(printf '%s|' "${CASES[@]}" | sed 's/\./\\./g; s/|$//')) "
attach() {  # attach NAME ARGS...: the CRI cases, attached through the kubeconfig only
  local name=$1; shift
  "$RA2CERT" run --kubeconfig "$KUBECONFIG_FILE" --image-registry "$REGISTRY" --focus "$FOCUS" \
    --parallel 2 --output-dir "$OUT/$name" "$@" >"$OUT/$name.log" 2>&1
}

# 1. Through the agents.
attach agents || true
[[ -f "$OUT/agents/results.json" ]] || { cat "$OUT/agents.log" >&2; exit 1; }
for id in "${CASES[@]}"; do
  o=$(outcome "$OUT/agents" "$id")
  [[ "$o" == Passed ]] || bad "$id through the node agents: $o: $(message "$OUT/agents" "$id" | head -3)"
done
jq -e '.capabilities.present.cri | test("node agents")' "$OUT/agents/results.json" >/dev/null ||
  bad "results.json does not say the CRI was reached through node agents"
grep -q "node agents (image .*/ra2cert/node-agent:" "$OUT/agents/logs/4.4.002.log" ||
  bad "4.4.002's log does not show its node agents"
id=$(run_id_of "$OUT/agents")
[[ "$(leftovers "$id")" == 0 ]] || bad "run $id left agent objects"
say "through node agents: $(jq -r '[.cases[].outcome] | group_by(.) | map("\(.[0])=\(length)") | join(",")' "$OUT/agents/results.json")"

# 2. --no-node-agent: Skipped with the reason, ra2.crt.002 not verified.
attach no-agent --no-node-agent || true
for id in "${CASES[@]}"; do
  [[ "$(outcome "$OUT/no-agent" "$id")" == Skipped ]] || bad "$id with --no-node-agent: $(outcome "$OUT/no-agent" "$id")"
  message "$OUT/no-agent" "$id" | grep -q -- "--no-node-agent" || bad "$id's skip does not name --no-node-agent"
done
jq -e '.requirements[] | select(.id == "ra2.crt.002") | .status == "not-verified"' "$OUT/no-agent/results.json" >/dev/null ||
  bad "with --no-node-agent, ra2.crt.002 is not reported not-verified"
say "--no-node-agent: $(jq -r '[.cases[].outcome] | unique | join(",")' "$OUT/no-agent/results.json")"

# 3. Ctrl-C while the agents run: three cases one after the other, interrupted once the first
# one's agents are up (its own run's agent namespace, not yet terminating: other tests run on
# the shared cluster at the same time), so two cases are still to come.
"$RA2CERT" run --kubeconfig "$KUBECONFIG_FILE" --image-registry "$REGISTRY" --focus '^4\.4\.02[012] ' \
  --parallel 1 --output-dir "$OUT/interrupted" >"$OUT/interrupted.log" 2>&1 &
pid=$!
run_id_in_console() { sed -n 's/^ra2cert [^:]*: run \([0-9a-f-]*t[0-9a-f-]*\),.*/\1/p' "$OUT/interrupted.log" | head -1; }
own_agent_namespace() {
  local id
  id=$(run_id_in_console)
  [[ -n "$id" ]] && api "/api/v1/namespaces?labelSelector=ra2cert.io/run%3D$id" |
    jq -e '[.items[] | select((.metadata.name | startswith("ra2cert-agent-")) and .metadata.deletionTimestamp == null)] | length > 0' >/dev/null 2>&1
}
deadline=$((SECONDS + 60))
until own_agent_namespace; do
  ((SECONDS < deadline)) || { bad "no agent namespace of the run appeared within 60 s"; break; }
  sleep 0.5
done
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
[[ "$rc" == 130 ]] || bad "interrupted run exited $rc, not 130"
[[ -f "$OUT/interrupted/results.json" ]] || bad "the interrupted run wrote no results.json"
id=$(run_id_of "$OUT/interrupted" 2>/dev/null || true)
if [[ -n "$id" ]]; then
  left=$(leftovers "$id")
  [[ "$left" == 0 ]] || bad "the interrupted run $id left $left agent object(s)"
fi
say "Ctrl-C: exit $rc, leftovers ${left:-?}"

((wrong == 0)) || { say "$wrong wrong; outputs in $OUT"; exit 1; }
say "all right; outputs in $OUT"
