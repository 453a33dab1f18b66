#!/usr/bin/env bash
# The negative controls, end to end: every seeded violation of the local cluster is applied
# the way a misconfigured cluster would have it, and every case that declares it must end
# Failed (not Error, Skipped or Passed) with a message that shows what it saw (the
# violation's `evidence` pattern); on the compliant cluster the same cases pass.
#
#   violations.sh RA2CERT_BINARY [STATE_DIR]
#
# Live violations share one cluster (applied with `ra2cert cluster violate`, reverted with
# `ra2cert cluster restore`); spin-up ones share a cluster per group of violations that change
# different parts (`cluster up --violate a,b`).
# Prints a table scenario x case x outcome and exits 1 when any row is wrong. Needs root
# and the components built (environments/local/components/build-all.sh).
source "$(dirname "$0")/../support/cluster_test.sh" violations "$@"
start=$SECONDS

"$RA2CERT" violations list --output json >"$OUT/violations.json"
"$RA2CERT" list --output json >"$OUT/cases.json"
jq -e 'all(.[]; (.violations | length > 0) or ((.no_violation_reason // "") | length > 0))' \
  "$OUT/cases.json" >/dev/null || { echo "a case names no negative control and no reason" >&2; exit 1; }
HELM_DIR=$("$ROOT/environments/local/components/build-all.sh" 1.33 helm | awk '$1 == "helm" { print $2 }')
[[ -x "$HELM_DIR/helm" ]] || { echo "no helm build in the component cache" >&2; exit 1; }

cases_of() { jq -r --arg v "$1" '.[] | select(.violations | index($v)) | .id' "$OUT/cases.json"; }
field() { jq -r --arg v "$1" ".[] | select(.name == \$v) | .$2" "$OUT/violations.json"; }

up() {
  local t0=$SECONDS
  "$RA2CERT" cluster up --state-dir "$STATE" "$@" >"$OUT/up.out" 2>>"$OUT/cluster.log" ||
    { cat "$OUT/cluster.log" >&2; echo "cluster up $* failed" >&2; exit 1; }
  REGISTRY=$(awk '/^registry: / { print $2 }' "$OUT/up.out")
  say "cluster up $* in $((SECONDS - t0)) s"
}

# On a violated cluster the cases run with --timeout-multiplier 0.5: what they wait for (a pod
# to start, a lease to renew) is what the violation prevents, so they fail sooner; a case that
# then ends another way (timed out, or failed without the violation's evidence) is a wrong row.
VIOLATED_TIMEOUT_MULTIPLIER=${RA2CERT_VIOLATED_TIMEOUT_MULTIPLIER:-0.5}
RUN_FLAGS=()

# run_cases NAME ID...: the cases on the cluster that is up, attached through its
# kubeconfig with its nodes' CRI sockets, into $OUT/NAME (with RUN_FLAGS).
run_cases() {
  local name=$1 focus endpoints="" socket node
  shift
  focus="^($(printf '%s|' "$@" | sed 's/\./\\./g; s/|$//')) "
  for socket in "$STATE"/nodes/*/containerd/containerd.sock; do
    [[ -S "$socket" ]] || continue
    node=${socket#"$STATE/nodes/"}; node=${node%%/*}
    endpoints+="${endpoints:+,}$node=unix://$socket"
  done
  RA2CERT_HELM=$HELM_DIR/helm "$RA2CERT" run --kubeconfig "$KUBECONFIG_FILE" \
    --cri-endpoints "$endpoints" --image-registry "$REGISTRY" --focus "$focus" --parallel 3 \
    "${RUN_FLAGS[@]}" --output-dir "$OUT/$name" >"$OUT/$name.log" 2>&1 || true
  [[ -f "$OUT/$name/results.json" ]] || { cat "$OUT/$name.log" >&2; echo "$name: no results.json" >&2; exit 1; }
}

outcome_of() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .outcome' "$OUT/$1/results.json"; }
skip_kind_of() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .skip_kind // ""' "$OUT/$1/results.json"; }
message_of() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .message' "$OUT/$1/results.json"; }

# row SCENARIO ID OUTCOME VERDICT
row() {
  rows+=("$(printf '%-28s %-9s %-9s %s' "$1" "$2" "$3" "$4")")
  [[ "$4" == ok* ]] || wrong=$((wrong + 1))
}

# The compliant cluster: every case passes, except one that has no seeded violation and finds
# itself not applicable here (4.2.010's node sizes under --scope distribution; its negative
# control is a run with --scope deployment, in tests/cluster).
check_compliant() {
  local name=$1 id outcome
  shift
  run_cases "$name" "$@"
  for id in "$@"; do
    outcome=$(outcome_of "$name" "$id")
    if [[ "$outcome" == Passed ]]; then
      row "$name" "$id" "$outcome" ok
    elif [[ "$outcome" == Skipped && "$(skip_kind_of "$name" "$id")" == not-applicable &&
      "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .violations | length' "$OUT/cases.json")" == 0 ]]; then
      row "$name" "$id" "$outcome" "ok (not applicable, no seeded violation)"
    else
      row "$name" "$id" "$outcome" "WRONG: must pass: $(message_of "$name" "$id" | head -c 300 | tr '\n' ' ')"
    fi
  done
}

# The violated cluster: every declaring case Failed, its message showing the evidence.
check_violated() {
  local violation=$1 evidence id outcome message
  shift
  evidence=$(field "$violation" evidence)
  RUN_FLAGS=(--timeout-multiplier "$VIOLATED_TIMEOUT_MULTIPLIER")
  run_cases "$violation" "$@"
  RUN_FLAGS=()
  for id in "$@"; do
    outcome=$(outcome_of "$violation" "$id")
    message=$(message_of "$violation" "$id")
    if [[ "$outcome" != Failed ]]; then
      row "$violation" "$id" "$outcome" "WRONG: must be Failed: $(head -c 300 <<<"$message" | tr '\n' ' ')"
    elif ! grep -Eiq -- "$evidence" <<<"$message"; then
      row "$violation" "$id" "$outcome" "WRONG: message does not match /$evidence/: $(head -c 300 <<<"$message" | tr '\n' ' ')"
    else
      row "$violation" "$id" "$outcome" "ok"
    fi
  done
}

mapfile -t all_cases < <(jq -r '.[].id' "$OUT/cases.json")
mapfile -t live < <(jq -r '.[] | select(.kind == "live") | .name' "$OUT/violations.json")
# The spin-up violations in groups that change different parts, in list order (first fit).
mapfile -t spin_up_groups < <(jq -r '
  reduce (.[] | select(.kind == "spin-up")) as $v ([];
    (map(.parts | index($v.changes) == null) | index(true)) as $free
    | if $free == null then . + [{names: [$v.name], parts: [$v.changes]}]
      else .[$free].names += [$v.name] | .[$free].parts += [$v.changes] end)
  | .[].names | join(",")' "$OUT/violations.json")

up --windows-nodes 1
t=$SECONDS; check_compliant compliant "${all_cases[@]}"; say "compliant cluster: $((SECONDS - t)) s"
for violation in "${live[@]}"; do
  mapfile -t ids < <(cases_of "$violation")
  ((${#ids[@]})) || { row "$violation" "-" "-" "WRONG: no case declares it"; continue; }
  t=$SECONDS
  "$RA2CERT" cluster violate "$violation" --state-dir "$STATE" >>"$OUT/cluster.log" 2>&1 ||
    { row "$violation" "-" "-" "WRONG: could not be applied (see $OUT/cluster.log)"; continue; }
  applied=$((SECONDS - t))
  check_violated "$violation" "${ids[@]}"
  ran=$((SECONDS - t - applied))
  "$RA2CERT" cluster restore "$violation" --state-dir "$STATE" >>"$OUT/cluster.log" 2>&1 ||
    { cat "$OUT/cluster.log" >&2; echo "restoring $violation failed" >&2; exit 1; }
  say "$violation: applied in $applied s, cases ran $ran s, restored in $((SECONDS - t - applied - ran)) s"
done
# Every revert left the cluster compliant again.
t=$SECONDS; check_compliant restored "${all_cases[@]}"; say "restored cluster: $((SECONDS - t)) s"
down

# Spin-up violations that change different parts of the cluster (their `changes`) share a
# cluster: each group is one `up --violate a,b,...`, and every violation's cases are checked
# on it as before. A case that fails on a neighbour's violation instead of its own shows as a
# message without its own evidence.
for group in "${spin_up_groups[@]}"; do
  t=$SECONDS
  up --violate "$group"
  for violation in ${group//,/ }; do
    mapfile -t ids < <(cases_of "$violation")
    ((${#ids[@]})) || { row "$violation" "-" "-" "WRONG: no case declares it"; continue; }
    check_violated "$violation" "${ids[@]}"
  done
  down
  say "$group: $((SECONDS - t)) s on one cluster"
done

echo
printf '%-28s %-9s %-9s %s\n' SCENARIO CASE OUTCOME VERDICT
printf '%s\n' "${rows[@]}"
echo
echo "violations suite: ${#rows[@]} rows, $wrong wrong, $((SECONDS - start)) s (results in $OUT)"
((wrong == 0))
